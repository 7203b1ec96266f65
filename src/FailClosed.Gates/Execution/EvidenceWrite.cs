namespace FailClosed.Gates;

/// <summary>How one bounded evidence write ended.</summary>
internal readonly struct EvidenceWrite
{
    private EvidenceWrite(EvidenceReceipt? receipt, bool canceledByCaller, string? failure, bool isUnencodable = false)
    {
        Receipt = receipt;
        CanceledByCaller = canceledByCaller;
        Failure = failure;
        IsUnencodable = isUnencodable;
    }

    /// <summary>Gets the receipt when the record was acknowledged before its deadline.</summary>
    public EvidenceReceipt? Receipt { get; }

    /// <summary>Gets a value indicating whether the caller's token canceled the write.</summary>
    public bool CanceledByCaller { get; }

    /// <summary>Gets a secret-free description of why the write failed (an exception type or the deadline).</summary>
    public string? Failure { get; }

    /// <summary>
    /// Gets a value indicating whether the record was never offered to the sink because it cannot be encoded: the
    /// caller's bug (a subject, pin or name evidence cannot hold), not an evidence outage.
    /// </summary>
    public bool IsUnencodable { get; }

    public bool IsWritten => Receipt.HasValue;

    public static EvidenceWrite Written(EvidenceReceipt receipt) => new(receipt, false, null);

    public static EvidenceWrite Canceled() => new(null, true, "The caller canceled the write.");

    public static EvidenceWrite Failed(string failure) => new(null, false, failure);

    public static EvidenceWrite Unencodable(string problem) => new(null, false, problem, isUnencodable: true);
}
