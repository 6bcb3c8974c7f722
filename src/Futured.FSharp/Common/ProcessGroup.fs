namespace Futured.Internal

open System
open System.Diagnostics
open System.IO
open System.Runtime.InteropServices
open System.Threading
open Microsoft.Win32.SafeHandles

/// Process groups on Unix: every command starts through a launcher that calls setsid (GroupLauncher, or
/// setsid(1)) and execs the command, so its process is the leader of a new
/// session and process group whose id is its own pid; killing the group (kill(-pid)) reaches every
/// descendant that stayed in it, which is what a timeout, a cancellation and the command's own exit do.
/// <see cref="T:Futured.Internal.GroupLeader"/> does the killing.
module internal ProcessGroup =

    let private executableBits =
        UnixFileMode.UserExecute
        ||| UnixFileMode.GroupExecute
        ||| UnixFileMode.OtherExecute

    /// Whether the file exists, is not a directory and has an execute bit.
    let isExecutable (file: string) =
        File.Exists file
        && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode file &&& executableBits) <> UnixFileMode.None)

    /// Finds a program the way execvp does: a name containing '/' is a path (relative to the working
    /// directory); any other name is looked up in each directory of <c>path</c>, in order.
    let resolve (program: string) (path: string) (workingDirectory: string) : string option =
        if program.Contains '/' then
            let full = Path.GetFullPath(program, workingDirectory)
            if isExecutable full then Some full else None
        elif isNull path then
            None
        else
            path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            |> Array.tryPick (fun dir ->
                let candidate = Path.Combine(dir, program)
                if isExecutable candidate then Some candidate else None)

    /// The setsid(1) executable found on this process's PATH (or in /usr/bin, /bin), if any.
    let setsid: Lazy<string option> =
        lazy
            (match resolve "setsid" (Environment.GetEnvironmentVariable "PATH") Environment.CurrentDirectory with
             | Some found -> Some found
             | None -> [ "/usr/bin/setsid"; "/bin/setsid" ] |> List.tryFind isExecutable)

/// The system calls the process group kills use (Linux numbering, the same on every architecture for these).
module internal Unix =

    [<DllImport("libc", EntryPoint = "kill", SetLastError = true)>]
    extern int kill(int pid, int signal)

    [<DllImport("libc", EntryPoint = "close", SetLastError = true)>]
    extern int close(int fd)

    /// syscall(SYS_pidfd_open, pid, flags): glibc has a wrapper only from 2.36 on.
    [<DllImport("libc", EntryPoint = "syscall", SetLastError = true)>]
    extern int64 pidfdOpen(int64 number, int64 pid, int64 flags)

    /// syscall(SYS_pidfd_send_signal, pidfd, signal, info, flags).
    [<DllImport("libc", EntryPoint = "syscall", SetLastError = true)>]
    extern int64 pidfdSendSignal(int64 number, SafeHandle pidfd, int64 signal, nativeint info, int64 flags)

    let sysPidfdOpen = 434L
    let sysPidfdSendSignal = 424L
    /// pidfd_send_signal's flag that signals the process group the pidfd's process leads (Linux 6.9).
    let pidfdSignalProcessGroup = 4L
    let sigkill = 9
    let esrch = 3
    let einval = 22

/// What every command is started through so that it leads a process group (and session) of its own: a tiny
/// launcher that calls setsid(2) and then execve(2)s the command in the same process, so the command's pid is
/// the group's id. CliWrap still starts, pipes, waits for and cancels that process; only the program it execs
/// first is this launcher instead of the command itself.
///
/// Why a launcher at all: .NET has no hook between fork and exec, and the parent cannot move the child into a
/// group of its own afterwards: .NET starts children with vfork, so Process.Start returns only once the child
/// has exec'd, and setpgid(child) from the parent then fails with EACCES (POSIX forbids it after an exec; 200
/// of 200 tries when measured). Moving it later from inside is up to the command, which is any program.
///
/// Why not setsid(1): it is a dynamically linked program, so its exec costs the dynamic loader, libc and
/// locale set-up before it execs the command. Measured as the CPU time of the child per start of `true`
/// (getrusage of the children, 5 rounds of 200): 0.59 ms started directly, 1.41 ms through setsid(1), 0.70 ms
/// through this launcher. The launcher here is a 373-byte static executable (x86-64) with no loader and no libc: setsid,
/// execve(argv[1], argv + 1, envp), and, when execve refuses a script without "#!" (ENOEXEC), /bin/sh with
/// the same arguments, as execvp (and so setsid(1)) does. If setsid or the exec fails it writes a line to
/// standard error and exits with 127; it never runs the command outside a group of its own. It lives in a
/// sealed memfd of this process, opened read-only and close-on-exec, and is started as /proc/self/fd/N: the
/// child still holds the descriptor when it execs the launcher (the kernel opens the file before it closes
/// close-on-exec descriptors), no other process or file system path can change it, and it disappears with this
/// process. Where that is unavailable (another architecture, memfd refused, exec of a memfd refused, which a
/// first start with no command checks once) commands fall back to setsid(1).
module internal GroupLauncher =

    [<DllImport("libc", EntryPoint = "memfd_create", SetLastError = true)>]
    extern int private memfdCreate(string name, uint32 flags)

    [<DllImport("libc", EntryPoint = "write", SetLastError = true)>]
    extern nativeint private write(int fd, byte[] buffer, nativeint count)

    [<DllImport("libc", EntryPoint = "fcntl", SetLastError = true)>]
    extern int private fcntl(int fd, int command, int argument)

    [<DllImport("libc", EntryPoint = "open", SetLastError = true)>]
    extern int private openFile(string path, int flags)

    let private mfdCloexec = 0x1u
    let private mfdAllowSealing = 0x2u
    /// MFD_EXEC (Linux 6.3): asks for an executable memfd where vm.memfd_noexec would refuse one by default.
    let private mfdExec = 0x10u
    let private fAddSeals = 1033
    /// F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE.
    let private sealAll = 0x1 ||| 0x2 ||| 0x4 ||| 0x8
    let private oRdonlyCloexec = 0x80000

    /// The launcher's code (x86-64), assembled from:
    ///   _start: mov $112,%eax; syscall            # setsid()
    ///           test %rax,%rax; js fail
    ///           mov (%rsp),%rcx; cmp $2,%rcx; jl done        # no program given: exit 0
    ///           lea 16(%rsp),%rsi; mov (%rsi),%rdi           # argv + 1, argv[1]
    ///           lea 16(%rsp,%rcx,8),%rdx                     # envp
    ///           mov $59,%eax; syscall             # execve(argv[1], argv + 1, envp)
    ///           cmp $-8,%rax; jne fail            # ENOEXEC: run it with /bin/sh, as execvp does
    ///           lea sh(%rip),%rdi; mov %rdi,8(%rsp); lea 8(%rsp),%rsi
    ///           mov $59,%eax; syscall             # execve("/bin/sh", ["/bin/sh", argv[1], ...], envp)
    ///   fail:   mov $2,%edi; lea msg(%rip),%rsi; mov $msglen,%edx; mov $1,%eax; syscall
    ///           mov $127,%edi; mov $60,%eax; syscall
    ///   done:   xor %edi,%edi; mov $60,%eax; syscall
    ///   sh:     .asciz "/bin/sh"
    ///   msg:    .ascii "futured: the command could not be started in a process group of its own\n"
    let private code =
        Convert.FromHexString(
            "b8700000000f054885c0783c488b0c244883f9027c56488d742410488b3e488d54cc10b83b0000000f054883f8f8751848"
            + "8d3d3e00000048897c2408488d742408b83b0000000f05bf02000000488d3529000000ba48000000b8010000000f05bf7f"
            + "000000b83c0000000f0531ffb83c0000000f05"
        )

    let private sh = "/bin/sh\000"B

    let private message =
        "futured: the command could not be started in a process group of its own\n"B

    /// A static ELF64 executable: the header, a PT_LOAD of the whole file (read and execute) at 0x400000, a
    /// PT_GNU_STACK (a stack that is not executable, so no READ_IMPLIES_EXEC personality passes to the command),
    /// then the code and its two strings.
    let image () =
        let headers = 64 + 2 * 56
        let body = Array.concat [ code; sh; message ]
        let size = headers + body.Length
        let baseAddress = 0x400000UL
        use memory = new MemoryStream(size)
        use w = new BinaryWriter(memory)
        w.Write [| 0x7fuy; byte 'E'; byte 'L'; byte 'F'; 2uy; 1uy; 1uy; 0uy |]
        w.Write(Array.zeroCreate<byte> 8)
        w.Write 2us // ET_EXEC
        w.Write 0x3eus // EM_X86_64
        w.Write 1u
        w.Write(baseAddress + uint64 headers) // entry
        w.Write 64UL // program headers
        w.Write 0UL // no section headers
        w.Write 0u
        w.Write 64us
        w.Write 56us
        w.Write 2us
        w.Write 64us
        w.Write 0us
        w.Write 0us
        // PT_LOAD, R | X
        w.Write 1u
        w.Write 5u
        w.Write 0UL
        w.Write baseAddress
        w.Write baseAddress
        w.Write(uint64 size)
        w.Write(uint64 size)
        w.Write 0x1000UL
        // PT_GNU_STACK, R | W
        w.Write 0x6474e551u
        w.Write 6u
        w.Write 0UL
        w.Write 0UL
        w.Write 0UL
        w.Write 0UL
        w.Write 0UL
        w.Write 16UL
        w.Write body
        w.Flush()
        memory.ToArray()

    /// Writes the launcher into a sealed memfd and returns the path of a read-only, close-on-exec descriptor of
    /// it (no descriptor open for writing may remain: exec would fail with ETXTBSY).
    let private create () : string option =
        if
            not (OperatingSystem.IsLinux())
            || RuntimeInformation.ProcessArchitecture <> Architecture.X64
        then
            None
        else
            try
                let flags = mfdCloexec ||| mfdAllowSealing

                let fd =
                    match memfdCreate ("futured-setsid", flags ||| mfdExec) with
                    | fd when fd >= 0 -> fd
                    | _ -> memfdCreate ("futured-setsid", flags) // a kernel before MFD_EXEC

                if fd < 0 then
                    None
                else
                    try
                        let bytes = image ()

                        if
                            write (fd, bytes, nativeint bytes.Length) = nativeint bytes.Length
                            && fcntl (fd, fAddSeals, sealAll) = 0
                        then
                            let readOnly = openFile ($"/proc/self/fd/{fd}", oRdonlyCloexec)

                            if readOnly < 0 then
                                None
                            else
                                Some $"/proc/self/fd/{readOnly}"
                        else
                            None
                    finally
                        Unix.close fd |> ignore
            with
            | :? DllNotFoundException
            | :? EntryPointNotFoundException -> None

    /// Starts the launcher once with no command (it only calls setsid and exits): a system that refuses to
    /// exec it (a seccomp or LSM rule against executing memory) makes Process.Start throw at once.
    let private works (launcher: string) =
        try
            use probe = Process.Start(ProcessStartInfo(launcher, UseShellExecute = false))
            true
        with _ ->
            false

    /// The environment variable that turns the in-memory launcher off: some hosts forbid or flag executing a
    /// program held in memory (security monitors watch for memfd executions), and there setsid(1) is wanted.
    let switchVariable = "FUTURED_COMMAND_LAUNCHER"

    /// Whether a value of the switch asks for setsid(1): "setsid", in any case, and nothing else.
    let wantsSetsid (value: string) =
        not (isNull value)
        && String.Equals(value.Trim(), "setsid", StringComparison.OrdinalIgnoreCase)

    /// The launcher's path, when this system can use it and the switch does not turn it off; None means setsid(1).
    let path: Lazy<string option> =
        lazy
            (if wantsSetsid (Environment.GetEnvironmentVariable switchVariable) then
                 None
             else
                 create () |> Option.filter works)

/// An open pidfd: a file descriptor that refers to one process, even after it was reaped, and never to another
/// process given the same pid later.
[<Sealed; AllowNullLiteral>]
type internal PidfdHandle(fd: int) as this =
    inherit SafeHandleMinusOneIsInvalid(true)

    do this.SetHandle(nativeint fd)

    override this.ReleaseHandle() = Unix.close (int this.handle) = 0

/// What one signal through a pidfd did.
type internal PidfdSignal =
    /// The kernel delivered it.
    | Delivered
    /// No process (or, for a group, no member) to deliver it to: the process was reaped or the group is empty.
    | NoTarget
    /// The pidfd was already closed: its command is over and its group was killed on its exit.
    | Closed
    /// There is no pidfd, or the kernel cannot send this signal through one (before Linux 6.9 for a group).
    | Unavailable

/// One process that leads a process group of its own whose id is its pid (a command started through the launcher, a
/// worker process, which calls setpgid before any user code runs); it kills that group (a timeout, a cancellation,
/// the command's exit, a worker's crash) and never a process or a group that was given the same pid after the
/// process was reaped.
///
/// The pid alone is not enough: once .NET has reaped the process (before it raises Exited), and its group has no
/// member left, the kernel may give the pid to a new process, which may lead a group of its own (every other
/// command does), so that kill(-pid) would kill an unrelated group. Instead the process is held through a pidfd
/// opened right after it started, and the group is signalled through it (pidfd_send_signal with
/// PIDFD_SIGNAL_PROCESS_GROUP): the kernel then finds the group through the process the pidfd holds, never
/// through the number, so a reused pid can never be reached, whenever the signal is sent.
///
/// The pidfd is only kept when it is known to hold this process: pidfd_open resolves a number, and that number
/// was still this process's when the call was made if .NET had not reaped the process by then. .NET reaps its
/// children itself and marks them exited under the same lock as it reaps them, so HasExited, read after
/// pidfd_open and false, proves it. When it reads true the process has already ended and been reaped, and
/// the pidfd is dropped.
///
/// Without a pidfd (the process had been reaped before it could be opened, which is rare: at most 4 of 2000
/// parallel starts of `true` when measured; or the kernel is older than 5.3), or when the kernel cannot signal a
/// group through one (before 6.9), the group is addressed by its number, and only when that number is this
/// command's: while the process is not reaped yet
/// (the kernel never gives the pid of a process, even a zombie, to another, nor the id of a group that still has
/// a member), or, once it is, when no process holds that pid (a group with that id then needs a leader that had
/// the pid since the reap and has already exited while its group lives on, which needs the kernel to go round its
/// whole pid range between the reap and the kill: the one case this fallback cannot rule out).
[<Sealed; AllowNullLiteral>]
type internal GroupLeader private (pid: int, pidfd: PidfdHandle, proc: Process) =

    /// Cleared when the kernel refuses to signal a group through a pidfd (before Linux 6.9), for every leader.
    static let mutable groupSignalSupported = 1

    /// Set by Dispose: the command is over and its group was killed on its exit; later kills do nothing.
    let mutable disposed = 0

    let send (signal: int) (flags: int64) =
        if isNull pidfd then
            Unavailable
        else
            try
                if Unix.pidfdSendSignal (Unix.sysPidfdSendSignal, pidfd, int64 signal, 0n, flags) = 0L then
                    Delivered
                else
                    match Marshal.GetLastPInvokeError() with
                    | errno when errno = Unix.esrch -> NoTarget
                    | errno when errno = Unix.einval && flags = Unix.pidfdSignalProcessGroup ->
                        // A kernel without PIDFD_SIGNAL_PROCESS_GROUP.
                        Volatile.Write(&groupSignalSupported, 0)
                        Unavailable
                    | _ -> Unavailable
            with :? ObjectDisposedException ->
                Closed

    let sendToGroup (signal: int) =
        if Volatile.Read(&groupSignalSupported) = 1 then
            send signal Unix.pidfdSignalProcessGroup
        else
            Unavailable

    /// Whether the process is known not to be reaped yet, so that its pid (and the id of its group) is still its own.
    let notReaped () =
        match send 0 0L with
        | Delivered -> true
        | NoTarget
        | Closed -> false
        | Unavailable ->
            try
                not proc.HasExited
            with :? InvalidOperationException ->
                false

    /// Whether no process holds the pid now (see the type's remarks).
    let pidUnused () =
        Unix.kill (pid, 0) <> 0 && Marshal.GetLastPInvokeError() = Unix.esrch

    /// pid 0, 1 or negative would address this process's own group or every process: never.
    let active () = pid > 1 && Volatile.Read(&disposed) = 0

    /// Starts tracking a process just started through the group launcher, or a worker process just started.
    static member Track(started: Process) =
        let pid = started.Id

        let pidfd =
            if not (OperatingSystem.IsLinux()) || pid <= 1 then
                null
            else
                let fd =
                    try
                        Unix.pidfdOpen (Unix.sysPidfdOpen, int64 pid, 0L)
                    with :? EntryPointNotFoundException ->
                        -1L

                if fd < 0L then
                    null
                else
                    let handle = new PidfdHandle(int fd)

                    if started.HasExited then
                        // Reaped before or while the pidfd was opened: it may hold another process.
                        handle.Dispose()
                        null
                    else
                        handle

        new GroupLeader(pid, pidfd, started)

    /// The process id.
    member _.Pid = pid

    /// Whether signals go through a pidfd that holds the process.
    member _.Pinned = not (isNull pidfd)

    /// Sends SIGKILL to every member of the process group the process leads, also after the process was
    /// reaped; harmless when the group is empty or gone.
    member _.KillGroup() =
        if active () then
            match sendToGroup Unix.sigkill with
            | Delivered
            | NoTarget
            | Closed -> ()
            | Unavailable ->
                if notReaped () || pidUnused () then
                    Unix.kill (-pid, Unix.sigkill) |> ignore

    /// Sends SIGKILL to the process group, or to the process alone when it does not lead a group yet (it has
    /// not reached setsid).
    member _.KillTree() =
        if active () then
            match sendToGroup Unix.sigkill with
            | Delivered
            | Closed -> ()
            | NoTarget -> send Unix.sigkill 0L |> ignore
            | Unavailable ->
                if notReaped () && Unix.kill (-pid, Unix.sigkill) <> 0 then
                    Unix.kill (pid, Unix.sigkill) |> ignore

    /// Closes the pidfd; later kills do nothing.
    member _.Dispose() =
        if Interlocked.Exchange(&disposed, 1) = 0 && not (isNull pidfd) then
            pidfd.Dispose()

    interface IDisposable with
        member this.Dispose() = this.Dispose()
