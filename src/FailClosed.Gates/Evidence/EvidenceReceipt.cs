using System.Text;

namespace FailClosed.Gates;

/// <summary>Proof that a record is durable: where it landed and the hash that commits to it.</summary>
/// <param name="Sequence">The record's position in the log, from 0.</param>
/// <param name="LeafHash">The lowercase hex leaf hash of the record.</param>
/// <param name="TreeSize">The number of records in the log once this one was appended.</param>
/// <remarks>
/// The library's sinks keep the hash as its 32 bytes and write its text only when <see cref="LeafHash"/> is read,
/// so an append whose receipt nobody reads allocates no string for it. A receipt made from text keeps that text as
/// given. Two receipts are equal when their sequence, tree size and hash text are, however each was made.
/// </remarks>
public readonly record struct EvidenceReceipt(long Sequence, string LeafHash, long TreeSize)
{
    private const int HexLength = EvidenceHashing.HashSize * 2;

    // Exactly one of the two holds the hash: the text as given (also what a default receipt holds: null), or the
    // bytes a sink computed, when _fromBytes is set.
    private readonly string? _leafHashText = LeafHash;
    private readonly HashBytes _leafHashBytes;
    private readonly bool _fromBytes;

    /// <summary>Creates a receipt from the leaf hash's bytes; its text is made when it is read.</summary>
    internal EvidenceReceipt(long sequence, ReadOnlySpan<byte> leafHash, long treeSize)
        : this(sequence, LeafHash: null!, treeSize)
    {
        leafHash.CopyTo(_leafHashBytes);
        _fromBytes = true;
    }

    /// <summary>Gets the lowercase hex leaf hash of the record.</summary>
    /// <remarks>A receipt from one of the library's sinks makes this string each time it is read.</remarks>
    public string LeafHash
    {
        get => _fromBytes ? EvidenceHashing.ToHex(_leafHashBytes) : _leafHashText!;
        init
        {
            _leafHashText = value;
            _fromBytes = false;
        }
    }

    /// <inheritdoc/>
    public bool Equals(EvidenceReceipt other)
    {
        if (Sequence != other.Sequence || TreeSize != other.TreeSize)
        {
            return false;
        }

        if (_fromBytes && other._fromBytes)
        {
            return ((ReadOnlySpan<byte>)_leafHashBytes).SequenceEqual(other._leafHashBytes);
        }

        Span<char> mine = stackalloc char[HexLength];
        Span<char> theirs = stackalloc char[HexLength];
        return HashText(mine, out bool mineNull).SequenceEqual(other.HashText(theirs, out bool theirsNull))
            && mineNull == theirsNull;
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        Span<char> buffer = stackalloc char[HexLength];
        ReadOnlySpan<char> text = HashText(buffer, out bool isNull);
        return HashCode.Combine(Sequence, isNull ? 0 : string.GetHashCode(text, StringComparison.Ordinal), TreeSize);
    }

    // Members in the order of the positional parameters, as the compiler would print them without the explicit LeafHash.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Sequence = ").Append(Sequence)
            .Append(", LeafHash = ").Append(LeafHash)
            .Append(", TreeSize = ").Append(TreeSize);
        return true;
    }

    /// <summary>Returns the hash's text without allocating it: the given text, or the bytes written into <paramref name="buffer"/>.</summary>
    private ReadOnlySpan<char> HashText(Span<char> buffer, out bool isNull)
    {
        isNull = !_fromBytes && _leafHashText is null;
        if (!_fromBytes)
        {
            return _leafHashText;
        }

        Convert.TryToHexStringLower(_leafHashBytes, buffer, out int written);
        return buffer[..written];
    }
}
