namespace Futured.Internal

open System.Runtime.InteropServices

/// The system call the parent uses to look into a worker's channel without reading it.
module internal ChannelPoll =

    [<Struct; StructLayout(LayoutKind.Sequential)>]
    type private PollFd =
        val mutable Fd: int
        val mutable Events: int16
        val mutable Revents: int16

    [<DllImport("libc", EntryPoint = "poll", SetLastError = true)>]
    extern int private poll(PollFd& fds, unativeint count, int timeout)

    /// Whether a read on the descriptor would return at once (data, end of file or an error).
    let readable (fd: int) =
        let mutable entry = PollFd()
        entry.Fd <- fd
        entry.Events <- 1s // POLLIN
        poll (&entry, 1un, 0) > 0 && entry.Revents <> 0s
