namespace FailClosed.Gates;

/// <summary>An RFC 9162 consistency proof: that the tree of <see cref="SecondSize"/> records extends the tree of <see cref="FirstSize"/>.</summary>
/// <param name="FirstSize">The size of the older tree.</param>
/// <param name="SecondSize">The size of the newer tree.</param>
/// <param name="Path">The lowercase hex node hashes, as RFC 6962 PROOF(m, D[n]).</param>
public sealed record ConsistencyProof(long FirstSize, long SecondSize, IReadOnlyList<string> Path);
