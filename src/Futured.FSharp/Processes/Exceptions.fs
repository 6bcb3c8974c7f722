namespace Futured

open System

[<Sealed>]
type RemoteException(typeName: string, message: string, remoteStackTrace: string) =
    inherit Exception($"{typeName}: {message}")

    member _.RemoteTypeName = typeName
    member _.RemoteMessage = message
    member _.RemoteStackTrace = remoteStackTrace

    override this.ToString() =
        $"{typeof<RemoteException>.FullName}: {this.Message}{Environment.NewLine}--- remote stack trace ---{Environment.NewLine}{remoteStackTrace}{Environment.NewLine}--- local stack trace ---{Environment.NewLine}{this.StackTrace}"

[<Sealed>]
type WorkerCrashedException(reason: string, exitCode: int, standardErrorTail: string) =
    inherit
        Exception(
            reason
            + (if String.IsNullOrWhiteSpace standardErrorTail then
                   " It wrote nothing to its standard error."
               else
                   $" The last lines of its standard error:{Environment.NewLine}{standardErrorTail}")
        )

    new(exitCode: int, standardErrorTail: string) =
        WorkerCrashedException(
            $"The worker process exited with code {exitCode} before it replied.",
            exitCode,
            standardErrorTail
        )

    member _.Reason = reason
    member _.ExitCode = exitCode
    member _.StandardErrorTail = standardErrorTail

[<Sealed>]
type ForkedException(index: int, value: string, exitCode: int, inner: exn) =
    inherit
        Exception(
            $"The child process for item {index} ({value}) failed with exit code {exitCode}: {inner.Message}",
            inner
        )

    member _.Index = index
    member _.Value = value
    member _.ExitCode = exitCode
