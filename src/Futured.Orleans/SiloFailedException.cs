namespace Futured;

/// <summary>
/// The silo running a call of a <see cref="Distributed"/> executor stopped answering (it died, was stopped, or
/// became unreachable) before the call completed. Only the calls that silo was running fail; later calls go to the
/// silos that remain.
/// </summary>
public sealed class SiloFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="silo">The address of the silo that was lost.</param>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The last failure seen while probing the silo, or null.</param>
    public SiloFailedException(string silo, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Silo = silo;
    }

    /// <summary>The address of the silo that was lost (as Orleans writes a silo address), or <c>"unknown"</c> when
    /// the call was lost before any silo reported it.</summary>
    public string Silo { get; }
}
