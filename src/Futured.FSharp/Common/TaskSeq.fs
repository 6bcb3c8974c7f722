namespace Futured

open System.Collections.Generic

/// An asynchronous sequence: an alias of IAsyncEnumerable, the same alias FSharp.Control.TaskSeq defines,
/// so values flow freely between Futured, the BCL's System.Linq.AsyncEnumerable and C#'s await foreach.
type TaskSeq<'T> = IAsyncEnumerable<'T>
