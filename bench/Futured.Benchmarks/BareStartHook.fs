namespace global

/// A startup hook that ends the process at once when FUTURED_BENCH_BARE_START is 1: the worker start-up
/// benchmarks start the application the way a worker is started (same host, dependency file, runtime
/// configuration and entry assembly, with a startup hook) but with this hook instead of Futured's, which
/// measures a bare start of the same application. Otherwise it does nothing.
type StartupHook =
    /// Called by the runtime before Main when DOTNET_STARTUP_HOOKS names this assembly.
    static member Initialize() =
        if System.String.Equals(System.Environment.GetEnvironmentVariable "FUTURED_BENCH_BARE_START", "1") then
            System.Environment.Exit 0
