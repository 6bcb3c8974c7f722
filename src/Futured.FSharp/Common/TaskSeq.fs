namespace Futured

open System.Collections.Generic

type TaskSeq<'T> = IAsyncEnumerable<'T>
