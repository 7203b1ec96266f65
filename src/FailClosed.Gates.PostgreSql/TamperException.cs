namespace FailClosed.Gates.PostgreSql;

/// <summary>The trail failed a tamper-evidence check while it was read; becomes <see cref="GateCodes.EvidenceTampered"/>.</summary>
internal sealed class TamperException(string message) : Exception(message);
