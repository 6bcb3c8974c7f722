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

    /// The longest deadline the runtime's timers accept (UInt32.MaxValue - 1 milliseconds, about 49.7 days).
    let maxTimeout = TimeSpan.FromMilliseconds(float UInt32.MaxValue - 1.0)

    /// The one rule for every timeout the library takes: Timeout.InfiniteTimeSpan means no deadline; any
    /// other negative value, or one beyond the runtime's timer limit (about 49.7 days, e.g. TimeSpan.MaxValue),
    /// is rejected where it is given with an ArgumentOutOfRangeException naming the parameter, never later at
    /// run time and never silently turned into "no deadline".
    let timeoutMessage (name: string) (value: TimeSpan) =
        if value = Threading.Timeout.InfiniteTimeSpan then
            null
        elif value < TimeSpan.Zero then
            $"{name} must not be negative (use Timeout.InfiniteTimeSpan for no deadline)."
        elif value > maxTimeout then
            $"{name} must be at most {maxTimeout} (the runtime's timer limit); use Timeout.InfiniteTimeSpan for no deadline."
        else
            null

    /// Raises ArgumentOutOfRangeException naming the parameter for a timeout the rule above rejects.
    let timeout (name: string) (value: TimeSpan) =
        match timeoutMessage name value with
        | null -> ()
        | message -> raise (ArgumentOutOfRangeException(name, value, message))
