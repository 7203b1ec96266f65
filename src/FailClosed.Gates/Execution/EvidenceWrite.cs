namespace FailClosed.Gates;

/// <summary>How one bounded evidence write ended.</summary>
internal readonly struct EvidenceWrite
{
    private EvidenceWrite(EvidenceReceipt? receipt, bool canceledByCaller, string? failure)
    {
        Receipt = receipt;
        CanceledByCaller = canceledByCaller;
        Failure = failure;
    }

    /// <summary>Gets the receipt when the record was acknowledged before its deadline.</summary>
    public EvidenceReceipt? Receipt { get; }

    /// <summary>Gets a value indicating whether the caller's token canceled the write.</summary>
    public bool CanceledByCaller { get; }

    /// <summary>Gets a secret-free description of why the write failed (an exception type or the deadline).</summary>
    public string? Failure { get; }

    public bool IsWritten => Receipt.HasValue;

    public static EvidenceWrite Written(EvidenceReceipt receipt) => new(receipt, false, null);

    public static EvidenceWrite Canceled() => new(null, true, "The caller canceled the write.");

    public static EvidenceWrite Failed(string failure) => new(null, false, failure);
}
