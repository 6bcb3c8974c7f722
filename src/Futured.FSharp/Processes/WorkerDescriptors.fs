namespace Futured.Internal

open System
open System.Runtime.InteropServices
open System.IO
open System.Text
open Microsoft.Win32.SafeHandles

/// The worker's private channel: before any user code runs, the protocol moves off the standard
/// descriptors, which user code may then use as it likes (Linux; elsewhere the channel stays on them).
module internal Descriptors =

    [<DllImport("libc", EntryPoint = "fcntl", SetLastError = true)>]
    extern int private fcntl(int fd, int command, int argument)

    [<DllImport("libc", EntryPoint = "dup2", SetLastError = true)>]
    extern int private dup2(int fd, int target)

    [<DllImport("libc", EntryPoint = "open", SetLastError = true)>]
    extern int private openFile(string path, int flags)

    [<DllImport("libc", EntryPoint = "close", SetLastError = true)>]
    extern int private close(int fd)

    [<DllImport("libc", EntryPoint = "setpgid", SetLastError = true)>]
    extern int private setpgid(int pid, int pgid)

    /// fcntl's F_DUPFD_CLOEXEC on Linux: a duplicate at the lowest free descriptor >= the argument, closed
    /// on exec so that no child process inherits it.
    [<Literal>]
    let private F_DUPFD_CLOEXEC = 1030

    /// O_RDONLY | O_CLOEXEC on Linux.
    [<Literal>]
    let private O_RDONLY_CLOEXEC = 0x80000

    /// The descriptor the worker writes replies to, once it has moved off standard output (-1 before).
    let mutable replyDescriptor = -1

    let private check (what: string) (result: int) =
        if result < 0 then
            let errno = Marshal.GetLastPInvokeError()
            eprintfn "The worker process could not set up its channel: %s failed (errno %d)." what errno
            exit 70

        result

    let private stream (fd: int) (access: FileAccess) : Stream =
        new FileStream(new SafeFileHandle(nativeint fd, true), access, 1)

    /// Moves the channel to private close-on-exec descriptors, gives descriptor 0 /dev/null and makes
    /// descriptor 1 a copy of descriptor 2 (the parent's pipe for standard error), then makes Console
    /// build its streams from the new descriptors. Also makes the worker the leader of a process group of
    /// its own, so that the parent can end whatever it started. Returns the channel's input and output.
    let takeOver () : Stream * Stream =
        if OperatingSystem.IsLinux() then
            let input = check "fcntl(0, F_DUPFD_CLOEXEC)" (fcntl (0, F_DUPFD_CLOEXEC, 3))
            let output = check "fcntl(1, F_DUPFD_CLOEXEC)" (fcntl (1, F_DUPFD_CLOEXEC, 3))
            let empty = check "open(/dev/null)" (openFile ("/dev/null", O_RDONLY_CLOEXEC))
            check "dup2(/dev/null, 0)" (dup2 (empty, 0)) |> ignore
            close empty |> ignore
            check "dup2(2, 1)" (dup2 (2, 1)) |> ignore
            // Fails only when the worker already leads a session; the parent then ends it alone.
            setpgid (0, 0) |> ignore
            replyDescriptor <- output
            // Console opens a standard stream when it is first used; nothing has used one yet, but the
            // streams are set here all the same, so that none can hold a descriptor of the channel.
            Console.SetIn(new StreamReader(Console.OpenStandardInput()))

            Console.SetOut(new StreamWriter(Console.OpenStandardOutput(), UTF8Encoding false, 256, AutoFlush = true))

            stream input FileAccess.Read, stream output FileAccess.Write
        else
            let input = Console.OpenStandardInput()
            let output = Console.OpenStandardOutput()
            // What user code prints must not corrupt the channel: its standard output goes to standard error.
            Console.SetOut(Console.Error)
            input, output
