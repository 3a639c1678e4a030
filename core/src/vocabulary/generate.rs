//! What core derives from the vocabulary's table: `Op::method`, the reader
//! (a call into the model) and the writer (the model back into a call).
//! The table itself is in `table.rs`; these macros only expand it.

/// Expands the table into core's items.
macro_rules! generate {
    (
        ops { $(
            $(#[$doc:meta])*
            fn $method:ident($($param:ident: $kind:ident),* $(,)?) -> $variant:ident {
                $( $field:ident: $how:ident [ $($opts:tt)* ] $(( $($extra:tt)* ))?; )*
            } $(check $check:ident)?
        )* }
        values { $(
            $(#[$vdoc:meta])*
            fn $vfn:ident($($vparam:ident: $vkind:ident),* $(,)?) -> $vty:ident as $vbuilder:ident $((like $vsame:ident))? {
                $( $vfield:ident: $vhow:ident [ $($vopts:tt)* ] $(( $($vextra:tt)* ))?; )*
            } $(check $vcheck:ident)?
        )* }
    ) => {
        impl $crate::model::Op {
            /// The DSL method name of this op (`"add_column"`), used in messages.
            pub fn method(&self) -> &'static str {
                match self {
                    $( $crate::model::Op::$variant { .. } => stringify!($method), )*
                }
            }

            /// The DSL call that builds this op; its text is the canonical
            /// text (see [`crate::vocabulary`]).
            pub fn to_call(&self) -> $crate::vocabulary::Call {
                match self {
                    $( $crate::model::Op::$variant { $($param,)* $($field,)* } => {
                        #[allow(unused_mut)]
                        let mut call = $crate::vocabulary::Call::new(
                            stringify!($method),
                            vec![$(<kind::$kind as kind::Kind>::write($param)),*],
                        );
                        $( write_field!(call, $field, $how [ $($opts)* ] ($($($extra)*)?)); )*
                        call
                    } )*
                }
            }
        }

        /// Reads an op call into the model; see [`Kind::read`](kind::Kind::read)
        /// for when it is `None`.
        pub fn read_op<S: Copy>(
            call: &$crate::vocabulary::Call<S>,
            errors: &mut Vec<SyntaxError<S>>,
        ) -> Option<$crate::model::Op> {
            match &*call.name {
                $( stringify!($method) => read_call!(
                    call, errors, [$crate::model::Op::$variant],
                    ($($param: $kind),*),
                    { $( $field: $how [ $($opts)* ] ($($($extra)*)?); )* }
                    $(check $check)?
                ), )*
                other => {
                    errors.push(SyntaxError::rule(
                        call.name_at,
                        $crate::Rule::NonLiteralArgument,
                        format!("`{other}` is not an operation godwit knows"),
                        "see godwit::dsl::Ops for the operations a migration can use",
                    ));
                    None
                }
            }
        }

        $(
            #[doc = concat!("The `", stringify!($vfn), "(..)` values of the DSL.")]
            pub mod $vfn {
                use super::*;

                #[doc = concat!("Reads a `", stringify!($vfn), "(..)` call into the model.")]
                pub fn read<S: Copy>(
                    call: &$crate::vocabulary::Call<S>,
                    errors: &mut Vec<SyntaxError<S>>,
                ) -> Option<$crate::model::$vty> {
                    read_call!(
                        call, errors, [$crate::model::$vty],
                        ($($vparam: $vkind),*),
                        { $( $vfield: $vhow [ $($vopts)* ] ($($($vextra)*)?); )* }
                        $(check $vcheck)?
                    )
                }

                #[doc = concat!("The `", stringify!($vfn), "(..)` call that builds `value`.")]
                pub fn call(value: &$crate::model::$vty) -> $crate::vocabulary::Call {
                    #[allow(unused_variables)]
                    let $crate::model::$vty { $($vparam,)* $($vfield,)* } = value;
                    #[allow(unused_mut)]
                    let mut call = $crate::vocabulary::Call::new(
                        stringify!($vfn),
                        vec![$(<kind::$vkind as kind::Kind>::write($vparam)),*],
                    );
                    $( write_field!(call, $vfield, $vhow [ $($vopts)* ] ($($($vextra)*)?)); )*
                    call
                }
            }
        )*

        /// Every op with its options, and every value with its options, in
        /// the table's order: what the DSL offers.
        pub fn vocabulary() -> Vocabulary {
            Vocabulary {
                ops: vec![$( (
                    stringify!($method),
                    <[&[&'static str]]>::concat(&[$( option_names!([ $($opts)* ]) ),*]),
                ), )*],
                values: vec![$( (
                    stringify!($vfn),
                    <[&[&'static str]]>::concat(&[$( option_names!([ $($vopts)* ]) ),*]),
                ), )*],
            }
        }
    };
}

/// Reads one call into `[path] { fields }`: the parameters by kind, then
/// the options in the order written; reports what does not fit.
macro_rules! read_call {
    (
        $call:ident, $errors:ident, [$($path:tt)*],
        ($($param:ident: $kind:ident),*),
        { $( $field:ident: $how:ident [ $($opts:tt)* ] $extra:tt; )* }
        $(check $check:ident)?
    ) => {{
        let shapes = || vec![$(<kind::$kind as kind::Kind>::shape(stringify!($param))),*];
        match arity($call, "", <[&str]>::len(&[$(stringify!($param)),*]), shapes, $errors) {
            None => None,
            Some(args) => {
                #[allow(unused_mut, unused_variables)]
                let mut args = args.iter();
                $( let $param = <kind::$kind as kind::Kind>::read(
                    args.next().expect("arity checked"),
                    $errors,
                ); )*
                $( #[allow(unused_mut)] let mut $field = field_init!($how $extra); )*
                let mut understood = true;
                for option in &$call.options {
                    $( read_option!(option, $errors, $field, $how [ $($opts)* ] $extra); )*
                    let known: &[&[&str]] = &[$( option_names!([ $($opts)* ]) ),*];
                    unknown_option($call, option, &known.concat(), $errors);
                    understood = false;
                }
                match ($($param,)*) {
                    ($(Some($param),)*) if understood => {
                        let value = $($path)* {
                            $($param,)*
                            $($field: field_finish!($how, $field),)*
                        };
                        $( $check(&value, $call, $errors); )?
                        Some(value)
                    }
                    _ => None,
                }
            }
        }
    }};
}

/// The value of an option field before any option is read.
macro_rules! field_init {
    (fixed ($($value:tt)*)) => { $($value)* };
    (flag $extra:tt) => { false };
    (unflag $extra:tt) => { true };
    (some ()) => { None };
    (push ()) => { Vec::new() };
    (value (default $($default:tt)*)) => { $($default)* };
}

/// An option field as the model holds it.
macro_rules! field_finish {
    (push, $field:ident) => {
        ::std::borrow::Cow::Owned($field)
    };
    ($how:ident, $field:ident) => {
        $field
    };
}

/// The names of a field's options, as a slice.
macro_rules! option_names {
    ([ $( $(#[$doc:meta])* .$opt:ident($($p:ident: $k:ident),* $(,)?) $(=> ($($e:tt)*))? ),* $(,)? ]) => {
        &[$(stringify!($opt)),*][..]
    };
}

/// Reads `$option` if it is one of this field's options, then goes on to
/// the next option (`continue`).
macro_rules! read_option {
    ($option:ident, $errors:ident, $field:ident, $how:ident [ $( $(#[$doc:meta])* .$opt:ident($($p:ident: $k:ident),* $(,)?) $(=> ($($e:tt)*))? ),* $(,)? ] $extra:tt) => {
        $(
            if $option.name == stringify!($opt) {
                let shapes = || vec![$(<kind::$k as kind::Kind>::shape(stringify!($p))),*];
                let expected = <[&str]>::len(&[$(stringify!($p)),*]);
                if let Some(args) = arity($option, ".", expected, shapes, $errors) {
                    #[allow(unused_mut, unused_variables)]
                    let mut args = args.iter();
                    // The parameters are bound in a scope of their own: one
                    // may have the name of the field it fills.
                    let made = match ($(<kind::$k as kind::Kind>::read(args.next().expect("arity checked"), $errors),)*) {
                        ($(Some($p),)*) => Some(option_value!($how $(($($e)*))?)),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    };
                    if let Some(made) = made {
                        apply_option!($field, $how made $extra);
                    }
                }
                continue;
            }
        )*
    };
}

/// What an option call makes, from its parameters.
macro_rules! option_value {
    (flag) => { () };
    (unflag) => { () };
    ($how:ident ($($e:tt)*)) => { $($e)* };
}

/// What reading one option does to its field, given what it made.
macro_rules! apply_option {
    ($field:ident, flag $made:ident (unless $guard:ident)) => {
        let () = $made;
        $field = true;
    };
    ($field:ident, flag $made:ident ($($other:ident = $value:expr),*)) => {
        let () = $made;
        $field = true;
        $( $other = $value; )*
    };
    ($field:ident, unflag $made:ident $extra:tt) => {
        let () = $made;
        $field = false;
    };
    ($field:ident, some $made:ident ()) => { $field = Some($made); };
    ($field:ident, value $made:ident $extra:tt) => { $field = $made; };
    ($field:ident, push $made:ident ()) => { $field.push($made); };
}

/// Writes a field's options back onto `$call`, when the field is not what
/// reading without them gives.
macro_rules! write_field {
    // A fixed field is said by which call it is: nothing to write.
    ($call:ident, $field:ident, fixed [] $extra:tt) => {};
    ($call:ident, $field:ident, flag [ $(#[$doc:meta])* .$opt:ident() ] (unless $guard:ident)) => {
        if *$field && !*$guard {
            $call.push_option(stringify!($opt), Vec::new());
        }
    };
    ($call:ident, $field:ident, flag [ $(#[$doc:meta])* .$opt:ident() ] $extra:tt) => {
        if *$field {
            $call.push_option(stringify!($opt), Vec::new());
        }
    };
    ($call:ident, $field:ident, unflag [ $(#[$doc:meta])* .$opt:ident() ] ($(unless $($guard:ident),+)?)) => {
        if !*$field $($(&& !*$guard)+)? {
            $call.push_option(stringify!($opt), Vec::new());
        }
    };
    // Each option's pattern says which values it writes; together they
    // cover every `Some(..)`.
    ($call:ident, $field:ident, some [ $( $(#[$doc:meta])* .$opt:ident($($p:ident: $k:ident),* $(,)?) => ($($e:tt)*) ),* $(,)? ] ()) => {
        match $field {
            $( Some($($e)*) => $call.push_option(stringify!($opt), vec![$(<kind::$k as kind::Kind>::write($p)),*]), )*
            None => {}
        }
    };
    // The default is not written; each option's pattern says which of the
    // other values it writes.
    ($call:ident, $field:ident, value [ $( $(#[$doc:meta])* .$opt:ident($($p:ident: $k:ident),* $(,)?) => ($($e:tt)*) ),* $(,)? ] (default $($default:tt)*)) => {
        if *$field != $($default)* {
            #[allow(unreachable_patterns)]
            match $field {
                $( $($e)* => $call.push_option(stringify!($opt), vec![$(<kind::$k as kind::Kind>::write($p)),*]), )*
                _ => {}
            }
        }
    };
    ($call:ident, $field:ident, push [ $( $(#[$doc:meta])* .$opt:ident($($p:ident: $k:ident),* $(,)?) => ($($e:tt)*) ),* $(,)? ] ()) => {
        for item in $field.iter() {
            match item {
                $( $($e)* => $call.push_option(stringify!($opt), vec![$(<kind::$k as kind::Kind>::write($p)),*]), )*
            }
        }
    };
}

pub(crate) use {
    apply_option, field_finish, field_init, generate, option_names, option_value, read_call,
    read_option, write_field,
};
