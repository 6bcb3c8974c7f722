namespace Futured

open Futured.Internal

[<AutoOpen>]
module Decorate =

    let decoratedOn<'IAsync, 'Target> (executor: IExecutor) (target: 'Target) : 'IAsync =
        Guard.notNull "executor" executor
        Guard.notNull "target" target
        Decorating.create<'IAsync> executor (box target)

    let decorated<'IAsync, 'Target> (target: 'Target) : 'IAsync =
        Guard.notNull "target" target
        Decorating.create<'IAsync> ThreadPoolExecutor.Instance (box target)

    let decoratedWith<'IAsync, 'Target>
        (executors: (string * IExecutor) list)
        (defaultExecutor: IExecutor option)
        (target: 'Target)
        : 'IAsync =
        Guard.notNull "executors" executors
        Guard.notNull "target" target
        Decorating.createWith<'IAsync> "defaultExecutor" executors defaultExecutor (box target)
