namespace FailClosed.Gates;

/// <summary>Proof that a record is durable: where it landed and the hash that commits to it.</summary>
/// <param name="Sequence">The record's position in the log, from 0.</param>
/// <param name="LeafHash">The lowercase hex leaf hash of the record.</param>
/// <param name="TreeSize">The number of records in the log once this one was appended.</param>
public readonly record struct EvidenceReceipt(long Sequence, string LeafHash, long TreeSize);
