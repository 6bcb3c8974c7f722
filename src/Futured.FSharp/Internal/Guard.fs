namespace Futured.Internal

open System

/// Argument checks shared by every public entry point.
module internal Guard =

    /// Raises ArgumentNullException naming the parameter when a reference argument is null.
    let inline notNull (name: string) (value: 'T) =
        if isNull (box value) then
            raise (ArgumentNullException name)

    /// Raises ArgumentOutOfRangeException when a bound is not strictly positive.
    let positive (name: string) (value: int) =
        if value <= 0 then
            raise (ArgumentOutOfRangeException(name, value, $"{name} must be greater than zero."))

    /// Raises ArgumentOutOfRangeException for a negative (or non-finite) timeout.
    let timeout (name: string) (value: TimeSpan) =
        if value < TimeSpan.Zero && value <> Threading.Timeout.InfiniteTimeSpan then
            raise (ArgumentOutOfRangeException(name, value, $"{name} must not be negative."))
