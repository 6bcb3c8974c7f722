namespace Futured

open System
open System.Threading.Tasks

/// <summary>
/// Streams the results of many tasks (in order or as completed, with a total deadline) and runs a
/// function over many inputs with the map family. Every returned <see cref="T:Futured.TaskSeq`1"/> is
/// cold: calls start when an enumeration starts, and each enumeration runs them anew.
/// </summary>
/// <remarks>
/// <para>Shared by every stream: a faulted task surfaces its original exception (not an
/// AggregateException) at its place in the order and the enumeration then ends. A null task (in the input,
/// or returned by the mapped function) is a task faulted with <see cref="T:System.ArgumentNullException"/>
/// naming the parameter (<c>tasks</c>, <c>pairs</c> or <c>f</c>): it surfaces at its place like any fault, in
/// order after the results before it, as completed like a task that had already failed when the enumeration
/// reached it. A failure of the input itself (a <c>seq</c> that throws, an asynchronous input whose
/// <c>MoveNextAsync</c> throws or faults) is the input's last element: the results of every item taken
/// before it are yielded first (waiting for their calls), then the failure is raised.</para>
/// <para>Deadlines and cancellation: a deadline's clock starts at the first <c>MoveNextAsync</c>; when it
/// passes, every result already available is yielded and then <see cref="T:System.TimeoutException"/> is
/// raised. A timeout of <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/> means no deadline; any other
/// negative timeout, or one beyond the runtime's timer limit of about 49.7 days (such as
/// <see cref="F:System.TimeSpan.MaxValue"/>), is refused when the stream is made, with
/// <see cref="T:System.ArgumentOutOfRangeException"/> naming the parameter (<c>timeout</c>) or, for
/// <c>MapOptions.Timeout</c>, <c>options</c> with the option named in the message. The token given to
/// <c>GetAsyncEnumerator</c> (<c>WithCancellation</c>) and the options' token raise
/// <see cref="T:System.OperationCanceledException"/>.</para>
/// <para>After a deadline, a cancellation, a fault or an early <c>DisposeAsync</c> no further call starts,
/// every abandoned task's fault is observed, and the token an asynchronous input was enumerated with is
/// cancelled, so its pending <c>MoveNextAsync</c> ends. <c>DisposeAsync</c> then completes once that move has
/// ended and the input has been disposed (an input that ignores its token delays it until its next item).
/// The plain functions (<c>map</c>, <c>mapZip</c>, <c>starmap</c>) cannot stop a call that runs, and
/// <c>DisposeAsync</c> does not wait for one. The <c>Cancellable</c> forms (<c>mapCancellable</c>,
/// <c>mapZipCancellable</c>, <c>starmapCancellable</c>) give every call the stream's token, cancelled on any of
/// these stops (at the deadline itself, not at the next <c>MoveNextAsync</c>); a call that ends in
/// <see cref="T:System.OperationCanceledException"/> after the deadline or a cancellation stands for the stop
/// (TimeoutException or OperationCanceledException as above), and <c>DisposeAsync</c> completes once every call
/// has finished (a call that ignores its token delays it until it returns).</para>
/// </remarks>
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Futured =

    /// <summary>Yields the tasks' results in input order; the first as soon as the first task is done.</summary>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> is null; at its place in the stream
    /// when it holds a null task.</exception>
    val results: tasks: seq<Task<'T>> -> TaskSeq<'T>

    /// <summary>Yields the tasks' results in input order, within a total deadline.</summary>
    /// <param name="timeout">The deadline, from the first <c>MoveNextAsync</c>;
    /// <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/> means none.</param>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The results, in input order, then TimeoutException if the deadline passes first.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> is null; at its place in the stream
    /// when it holds a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>timeout</c> is negative (other than
    /// <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond the timer limit of about 49.7 days,
    /// such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val resultsWithin: timeout: TimeSpan -> tasks: seq<Task<'T>> -> TaskSeq<'T>

    /// <summary>Yields the tasks' results in the order they complete, O(1) work per completion.</summary>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The results, in completion order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> is null; at its place in the stream
    /// when it holds a null task.</exception>
    val asCompleted: tasks: seq<Task<'T>> -> TaskSeq<'T>

    /// <summary>Yields the tasks' results as they complete, within a total deadline.</summary>
    /// <param name="timeout">The deadline, from the first <c>MoveNextAsync</c>;
    /// <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/> means none.</param>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The results in completion order, then TimeoutException if the deadline passes first.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> is null; at its place in the stream
    /// when it holds a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">When <c>timeout</c> is negative (other than
    /// <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond the timer limit of about 49.7 days,
    /// such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val asCompletedWithin: timeout: TimeSpan -> tasks: seq<Task<'T>> -> TaskSeq<'T>

    /// <summary>Yields the tasks' results with options: order, deadline, cancellation.</summary>
    /// <param name="options">The options; <c>Order = None</c> means in input order. <c>MaxConcurrency</c> does
    /// not apply: the tasks already run.</param>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The results, then TimeoutException if the deadline passes first, or
    /// OperationCanceledException when the options' token is cancelled.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> is null; at its place in the stream
    /// when it holds a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>Timeout</c> is negative
    /// (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond the timer limit of about
    /// 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val resultsWith: options: MapOptions -> tasks: seq<Task<'T>> -> TaskSeq<'T>

    /// <summary>Like <c>resultsWith</c>, but <c>Order = None</c> means in completion order.</summary>
    /// <param name="options">The options; <c>MaxConcurrency</c> does not apply.</param>
    /// <param name="tasks">Running tasks.</param>
    /// <returns>The results, then TimeoutException if the deadline passes first, or
    /// OperationCanceledException when the options' token is cancelled.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>tasks</c> is null; at its place in the stream
    /// when it holds a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>Timeout</c> is negative
    /// (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond the timer limit of about
    /// 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val asCompletedWith: options: MapOptions -> tasks: seq<Task<'T>> -> TaskSeq<'T>

    /// <summary>Calls <c>f</c> on every input and yields the results in input order; all calls start
    /// when the enumeration starts. When <c>f</c> comes from <c>threaded</c> or <c>Threaded.Wrap</c>, the calls
    /// run in batches on the executor's threads instead of one task each (same bound, same FIFO order, same
    /// results and faults), and a stop of the stream (fault, deadline, cancellation, early disposal) drops the
    /// calls that have not started yet.</summary>
    /// <param name="f">A task-returning function, typically wrapped by <c>threaded</c> or an executor.</param>
    /// <param name="xs">The inputs.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    val map: f: ('a -> Task<'b>) -> xs: seq<'a> -> TaskSeq<'b>

    /// <summary>Calls <c>f</c> on every input with options: order, deadline, a lazy bound, cancellation.</summary>
    /// <param name="options">The options; <c>Order = None</c> means in order.</param>
    /// <param name="f">A task-returning function.</param>
    /// <param name="xs">The inputs; may be endless when <c>MaxConcurrency</c> is set.</param>
    /// <returns>The results.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val mapWith: options: MapOptions -> f: ('a -> Task<'b>) -> xs: seq<'a> -> TaskSeq<'b>

    /// <summary>Calls <c>f</c> on every item of an asynchronous sequence, with options.</summary>
    /// <param name="options">The options; <c>Order = None</c> means in order.</param>
    /// <param name="f">A task-returning function.</param>
    /// <param name="xs">The inputs; enumerated with a token that is cancelled whenever the output stops (deadline,
    /// cancellation, fault or early <c>DisposeAsync</c>).</param>
    /// <returns>The results.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val mapFrom: options: MapOptions -> f: ('a -> Task<'b>) -> xs: TaskSeq<'a> -> TaskSeq<'b>

    /// <summary>Calls <c>f</c> on every input and yields (input, result) pairs as the calls complete.</summary>
    /// <param name="f">A task-returning function.</param>
    /// <param name="xs">The inputs.</param>
    /// <returns>Each input paired with its own result, in completion order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    val mapZip: f: ('a -> Task<'b>) -> xs: seq<'a> -> TaskSeq<'a * 'b>

    /// <summary>Like <c>mapZip</c>, with options; <c>Order = None</c> means as completed.</summary>
    /// <param name="options">The options.</param>
    /// <param name="f">A task-returning function.</param>
    /// <param name="xs">The inputs.</param>
    /// <returns>Each input paired with its own result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val mapZipWith: options: MapOptions -> f: ('a -> Task<'b>) -> xs: seq<'a> -> TaskSeq<'a * 'b>

    /// <summary>Like <c>mapZipWith</c>, over an asynchronous sequence.</summary>
    /// <param name="options">The options; <c>Order = None</c> means as completed.</param>
    /// <param name="f">A task-returning function.</param>
    /// <param name="xs">The inputs.</param>
    /// <returns>Each input paired with its own result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val mapZipFrom: options: MapOptions -> f: ('a -> Task<'b>) -> xs: TaskSeq<'a> -> TaskSeq<'a * 'b>

    /// <summary>Calls a two-argument function on every pair and yields the results in input order.</summary>
    /// <param name="f">A curried task-returning function.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>pairs</c> is null; at its place in the
    /// stream when <c>f</c> returns a null task (naming <c>f</c>) or a pair is null (naming <c>pairs</c>).</exception>
    val starmap: f: ('a -> 'b -> Task<'c>) -> pairs: seq<'a * 'b> -> TaskSeq<'c>

    /// <summary>Like <c>starmap</c>, with options; <c>Order = None</c> means in order.</summary>
    /// <param name="options">The options.</param>
    /// <param name="f">A curried task-returning function.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <returns>The results.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>pairs</c> is null; at its place in the
    /// stream when <c>f</c> returns a null task (naming <c>f</c>) or a pair is null (naming <c>pairs</c>).</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val starmapWith: options: MapOptions -> f: ('a -> 'b -> Task<'c>) -> pairs: seq<'a * 'b> -> TaskSeq<'c>

    /// <summary>Like <c>map</c>, for a function that takes a <see cref="T:System.Threading.CancellationToken"/>: every
    /// call gets the stream's token, so a stop (deadline, cancellation, fault, early <c>DisposeAsync</c>) reaches
    /// the calls that run, and <c>DisposeAsync</c> completes once they have finished. Pass any token-taking call:
    /// <c>HttpClient</c> methods, <c>Command.withCancellation</c>, an executor's <c>Submit</c> or
    /// <c>WrapCancellable</c>.</summary>
    /// <param name="f">A task-returning function of an input and a token; the token is cancelled when the stream
    /// stops (deadline, cancellation, fault, early <c>DisposeAsync</c>).</param>
    /// <param name="xs">The inputs.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    val mapCancellable: f: ('a -> System.Threading.CancellationToken -> Task<'b>) -> xs: seq<'a> -> TaskSeq<'b>

    /// <summary>Like <c>mapWith</c>, for a function that takes the stream's token (see <c>mapCancellable</c>);
    /// the deadline and the options' token cancel it where the calls run.</summary>
    /// <param name="options">The options; <c>Order = None</c> means in order.</param>
    /// <param name="f">A task-returning function of an input and a token; the token is cancelled when the stream
    /// stops (deadline, cancellation, fault, early <c>DisposeAsync</c>).</param>
    /// <param name="xs">The inputs; may be endless when <c>MaxConcurrency</c> is set.</param>
    /// <returns>The results.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val mapCancellableWith:
        options: MapOptions -> f: ('a -> System.Threading.CancellationToken -> Task<'b>) -> xs: seq<'a> -> TaskSeq<'b>

    /// <summary>Like <c>mapFrom</c>, for a function that takes the stream's token (see <c>mapCancellable</c>).</summary>
    /// <param name="options">The options; <c>Order = None</c> means in order.</param>
    /// <param name="f">A task-returning function of an input and a token; the token is cancelled when the stream
    /// stops (deadline, cancellation, fault, early <c>DisposeAsync</c>).</param>
    /// <param name="xs">The inputs; enumerated with the same token.</param>
    /// <returns>The results.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val mapCancellableFrom:
        options: MapOptions ->
        f: ('a -> System.Threading.CancellationToken -> Task<'b>) ->
        xs: TaskSeq<'a> ->
            TaskSeq<'b>

    /// <summary>Like <c>mapZip</c>, for a function that takes the stream's token (see <c>mapCancellable</c>).</summary>
    /// <param name="f">A task-returning function of an input and a token; the token is cancelled when the stream
    /// stops (deadline, cancellation, fault, early <c>DisposeAsync</c>).</param>
    /// <param name="xs">The inputs.</param>
    /// <returns>Each input paired with its own result, in completion order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    val mapZipCancellable: f: ('a -> System.Threading.CancellationToken -> Task<'b>) -> xs: seq<'a> -> TaskSeq<'a * 'b>

    /// <summary>Like <c>mapZipWith</c>, for a function that takes the stream's token (see <c>mapCancellable</c>).</summary>
    /// <param name="options">The options; <c>Order = None</c> means as completed.</param>
    /// <param name="f">A task-returning function of an input and a token; the token is cancelled when the stream
    /// stops (deadline, cancellation, fault, early <c>DisposeAsync</c>).</param>
    /// <param name="xs">The inputs.</param>
    /// <returns>Each input paired with its own result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val mapZipCancellableWith:
        options: MapOptions ->
        f: ('a -> System.Threading.CancellationToken -> Task<'b>) ->
        xs: seq<'a> ->
            TaskSeq<'a * 'b>

    /// <summary>Like <c>mapZipFrom</c>, for a function that takes the stream's token (see <c>mapCancellable</c>).</summary>
    /// <param name="options">The options; <c>Order = None</c> means as completed.</param>
    /// <param name="f">A task-returning function of an input and a token; the token is cancelled when the stream
    /// stops (deadline, cancellation, fault, early <c>DisposeAsync</c>).</param>
    /// <param name="xs">The inputs; enumerated with the same token.</param>
    /// <returns>Each input paired with its own result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>xs</c> is null; at its place in the
    /// stream, naming <c>f</c>, when <c>f</c> returns a null task.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val mapZipCancellableFrom:
        options: MapOptions ->
        f: ('a -> System.Threading.CancellationToken -> Task<'b>) ->
        xs: TaskSeq<'a> ->
            TaskSeq<'a * 'b>

    /// <summary>Like <c>starmap</c>, for a function that takes the stream's token last (see
    /// <c>mapCancellable</c>).</summary>
    /// <param name="f">A curried task-returning function of two arguments and a token, cancelled when the stream
    /// stops.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <returns>The results, in input order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>pairs</c> is null; at its place in the
    /// stream when <c>f</c> returns a null task (naming <c>f</c>) or a pair is null (naming <c>pairs</c>).</exception>
    val starmapCancellable:
        f: ('a -> 'b -> System.Threading.CancellationToken -> Task<'c>) -> pairs: seq<'a * 'b> -> TaskSeq<'c>

    /// <summary>Like <c>starmapWith</c>, for a function that takes the stream's token last (see
    /// <c>mapCancellable</c>).</summary>
    /// <param name="options">The options; <c>Order = None</c> means in order.</param>
    /// <param name="f">A curried task-returning function of two arguments and a token, cancelled when the stream
    /// stops.</param>
    /// <param name="pairs">The argument pairs.</param>
    /// <returns>The results.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>f</c> or <c>pairs</c> is null; at its place in the
    /// stream when <c>f</c> returns a null task (naming <c>f</c>) or a pair is null (naming <c>pairs</c>).</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>MaxConcurrency</c> ≤ 0,
    /// or <c>Timeout</c> is negative (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond
    /// the timer limit of about 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val starmapCancellableWith:
        options: MapOptions ->
        f: ('a -> 'b -> System.Threading.CancellationToken -> Task<'c>) ->
        pairs: seq<'a * 'b> ->
            TaskSeq<'c>

    /// <summary>Yields (key, result) pairs of keyed running tasks as they complete.</summary>
    /// <param name="pairs">Keys with their running tasks.</param>
    /// <returns>Each key with its own task's result, in completion order.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>pairs</c> is null; at its place in the stream when
    /// it holds a null task or a null pair.</exception>
    val items: pairs: seq<'k * Task<'v>> -> TaskSeq<'k * 'v>

    /// <summary>Like <c>items</c>, with options (<c>MaxConcurrency</c> does not apply: the tasks already run).</summary>
    /// <param name="options">The options; <c>Order = None</c> means as completed.</param>
    /// <param name="pairs">Keys with their running tasks.</param>
    /// <returns>Each key with its own task's result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>pairs</c> is null; at its place in the stream when
    /// it holds a null task or a null pair.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">(naming <c>options</c>) When <c>Timeout</c> is negative
    /// (other than <see cref="F:System.Threading.Timeout.InfiniteTimeSpan"/>) or beyond the timer limit of about
    /// 49.7 days, such as <see cref="F:System.TimeSpan.MaxValue"/>.</exception>
    val itemsWith: options: MapOptions -> pairs: seq<'k * Task<'v>> -> TaskSeq<'k * 'v>

    /// <summary>Sync bridge: waits for a task and returns its result, rethrowing its original exception
    /// (not an AggregateException). Blocks the calling thread: for scripts and <c>main</c> only.</summary>
    /// <param name="task">The task to wait for.</param>
    /// <returns>The task's result.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>task</c> is null.</exception>
    val run: task: Task<'T> -> 'T

    /// <summary>Sync bridge: enumerates an asynchronous sequence as a blocking <c>seq</c>, rethrowing
    /// original exceptions; disposing the seq disposes the asynchronous enumerator. For scripts and
    /// <c>main</c> only.</summary>
    /// <param name="source">The asynchronous sequence.</param>
    /// <returns>A seq that blocks for each item.</returns>
    /// <exception cref="T:System.ArgumentNullException">When <c>source</c> is null.</exception>
    val iter: source: TaskSeq<'T> -> seq<'T>
