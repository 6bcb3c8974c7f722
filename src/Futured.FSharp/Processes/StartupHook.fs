namespace global

/// The .NET startup hook that turns a restart of the application into a Futured worker process.
/// The runtime calls Initialize before the application's Main when DOTNET_STARTUP_HOOKS names this
/// assembly; it runs the worker loop and exits when the environment asks for a worker, and returns
/// at once (letting Main run) otherwise.
type internal StartupHook =
    static member Initialize() = Futured.Internal.WorkerHost.run ()
