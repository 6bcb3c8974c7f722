namespace Futured

open System.Collections.Generic

/// <summary>
/// An asynchronous sequence: an alias of <see cref="T:System.Collections.Generic.IAsyncEnumerable`1"/>, the same
/// alias FSharp.Control.TaskSeq defines, so values flow freely between Futured, the BCL's
/// <c>System.Linq.AsyncEnumerable</c> and C#'s <c>await foreach</c>.
/// </summary>
/// <typeparam name="T">The type of the elements.</typeparam>
type TaskSeq<'T> = IAsyncEnumerable<'T>
