namespace FailClosed.Gates;

/// <summary>An RFC 9162 inclusion proof: that the record at <see cref="LeafIndex"/> is in the tree of <see cref="TreeSize"/> records.</summary>
/// <param name="LeafIndex">The record's sequence.</param>
/// <param name="TreeSize">The size of the tree the proof is against.</param>
/// <param name="AuditPath">The lowercase hex node hashes from the leaf up, as RFC 6962 PATH(m, D[n]).</param>
public sealed record InclusionProof(long LeafIndex, long TreeSize, IReadOnlyList<string> AuditPath);
