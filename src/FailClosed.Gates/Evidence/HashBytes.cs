using System.Runtime.CompilerServices;

namespace FailClosed.Gates;

/// <summary>One SHA-256 hash held inline, so a receipt, a pending append or a kept record carries it without an array.</summary>
[InlineArray(EvidenceHashing.HashSize)]
internal struct HashBytes
{
    private byte _element;
}
