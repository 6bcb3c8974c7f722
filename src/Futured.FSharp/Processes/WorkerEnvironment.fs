namespace Futured.Internal

/// The environment a worker process is started with.
module internal WorkerEnvironment =

    /// Set to "pool" (serve calls until standard input ends) or "once" (serve one call, then exit).
    [<Literal>]
    let Mode = "FUTURED_WORKER"

    /// The value DOTNET_STARTUP_HOOKS had in the parent, restored in the worker before user code runs.
    [<Literal>]
    let PreviousHooks = "FUTURED_WORKER_PREVIOUS_STARTUP_HOOKS"

    [<Literal>]
    let StartupHooks = "DOTNET_STARTUP_HOOKS"

    /// The parent's process id: the worker exits when that process does.
    [<Literal>]
    let Parent = "FUTURED_WORKER_PARENT"
