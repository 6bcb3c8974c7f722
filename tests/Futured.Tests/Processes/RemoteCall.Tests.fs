/// The worker-process call cut at the transport (RemoteCall), as the distributed executor uses it: a function's
/// description, the argument's bytes, the invocation where the call arrives, and the reply read back.
module Futured.Tests.RemoteCallTests

open System
open System.Threading
open Expecto
open global.Futured
open global.Futured.Internal
open Futured.Tests.Support

let double (x: int) = x * 2

let tokenState (x: int) (cancellationToken: CancellationToken) =
    if cancellationToken.IsCancellationRequested then -x else x

let raising (message: string) : int =
    raise (InvalidOperationException message)

let boxed (x: int) : obj = box x

/// Calls a description where the call "arrives", as a silo does, and reads the reply back.
let private roundTrip<'a, 'b> (description: string) (argument: 'a) (token: CancellationToken) : 'b =
    let struct (kind, payload) =
        RemoteCall.invoke description (RemoteCall.serialize argument) token

    RemoteCall.decode<'b> kind payload

[<Tests>]
let tests =
    testList
        "RemoteCall"
        [
            test "an F# function crosses by its description and its JSON argument" {
                let result: int =
                    roundTrip (RemoteCall.ofFunction "f" double) 21 CancellationToken.None

                Expect.equal result 42 "the result"
            }

            test "an F# function that takes a token receives the call's token" {
                let description = RemoteCall.ofFunction "f" tokenState
                use cancelled = new CancellationTokenSource()
                cancelled.Cancel()
                let live: int = roundTrip description 5 CancellationToken.None
                let stopped: int = roundTrip description 5 cancelled.Token
                Expect.equal (live, stopped) (5, -5) "the token reached the function"
            }

            test "a two-argument delegate crosses with its arguments as a pair" {
                let description =
                    RemoteCall.ofDelegate "f" (Func<int, string, string>(fun n s -> String.replicate n s))

                let result: string = roundTrip description (3, "ab") CancellationToken.None
                Expect.equal result "ababab" "the result"
            }

            test "a delegate whose second argument is a token receives the call's token" {
                let description =
                    RemoteCall.ofDelegate
                        "f"
                        (Func<int, CancellationToken, bool>(fun _ token -> token.IsCancellationRequested))

                use cancelled = new CancellationTokenSource()
                cancelled.Cancel()
                let seen: bool = roundTrip description 0 cancelled.Token
                Expect.isTrue seen "the token reached the delegate"
            }

            test "an exception where the call runs comes back as RemoteException with type, message and stack" {
                let description = RemoteCall.ofFunction "f" raising

                let e =
                    raises<RemoteException>(fun () ->
                        roundTrip<string, int> description "no luck" CancellationToken.None |> ignore)

                Expect.equal e.RemoteTypeName "System.InvalidOperationException" "the type"
                Expect.equal e.RemoteMessage "no luck" "the message"

                Expect.isFalse
                    (String.IsNullOrWhiteSpace e.RemoteStackTrace)
                    "the stack (in an optimized build the function itself may be inlined)"
            }

            test "a result that cannot cross is reported by the serializer, naming the type" {
                Expect.throwsT<NotSupportedException> (fun () -> RemoteCall.validate typeof<obj>) "obj is refused"
                let description = RemoteCall.ofFunction "f" boxed

                let e =
                    raises<RemoteException>(fun () ->
                        roundTrip<int, obj> description 1 CancellationToken.None |> ignore)

                Expect.stringContains e.Message "System.Object" "names the type"
            }

            test "an argument that cannot cross raises the serializer's exception, naming the type" {
                let e =
                    raises<NotSupportedException>(fun () -> RemoteCall.serialize ("a" + string (char 0xD800)) |> ignore)

                Expect.stringContains e.Message "System.String" "names the type"
            }

            test "a description that cannot be loaded faults the call instead of the receiver" {
                let struct (kind, payload) =
                    RemoteCall.invoke "not a description" (RemoteCall.serialize 1) CancellationToken.None

                Expect.notEqual kind RemoteCall.Result "an error reply"

                let e =
                    raises<RemoteException>(fun () -> RemoteCall.decode<int> kind payload |> ignore)

                Expect.stringContains e.Message "could not be read" "says why"
            }
        ]
