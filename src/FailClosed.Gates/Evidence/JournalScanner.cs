using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace FailClosed.Gates;

/// <summary>
/// Reads a journal frame by frame and checks everything a frame and its record promise: magic, length, CRC, the
/// canonical encoding, the sequence and the chain. Classifies the first bad frame as a torn tail or tampering.
/// </summary>
/// <remarks>
/// A window of frames is checked in three stages. The frame headers are walked in order (cheap). The work that
/// dominates — each frame's CRC, its leaf hash, its canonical-form check, and the Merkle subtrees over aligned runs
/// of those leaves — runs on every core, in units that depend on nothing outside themselves. The sequence, the
/// chain and the Merkle frontier then advance in order, a whole subtree at a time, so the first defect and the roots
/// are exactly those a one-record-at-a-time pass finds. Every buffer is allocated once per scan.
/// </remarks>
internal sealed class JournalScanner : IDisposable
{
    /// <summary>The default window: how much of the file one step reads and checks.</summary>
    public const int DefaultWindowSize = 1 << 20;

    /// <summary>The most leaves one unit of parallel work hashes into one subtree (a power of two).</summary>
    public const int DefaultMaxUnitLeaves = 256;

    private const int MaxFramesPerBatch = 8192;

    // Below this many frames a window is checked on the calling thread: handing it out would cost more than it saves.
    private const int MinParallelFrames = 64;

    // What a unit found about each frame, for the in-order pass.
    private const byte CrcBad = 1;
    private const byte NotCanonical = 2;
    private const byte SequenceBad = 4;
    private const byte ChainBad = 8;
    private const byte KeyRotationFlag = 16;

    // The frame is the first of its unit: its previous hash is checked in order, against the unit before it.
    private const byte ChainUnchecked = 32;

    private readonly IJournalStorage _storage;
    private readonly long _fileLength;
    private readonly int _windowSize;
    private readonly int _maxUnitLeaves;
    private readonly bool _parallel;
    private readonly EvidenceLog _log = new();
    private readonly List<byte[]>? _leaves;
    private readonly long _checkpointSize;
    private readonly bool _decode;
    private readonly List<EvidenceRecord> _keyRotations = [];
    private readonly Action<int> _checkUnit;

    // Per frame of the current window, reused from window to window.
    private readonly long[] _frameOffsets;
    private readonly int[] _frameLengths;
    private readonly byte[] _flags;
    private readonly long[] _sequences;
    private readonly string?[] _errors;
    private readonly EvidenceRecord?[]? _records;
    private readonly byte[] _leafHashes;

    // Per unit of parallel work: an aligned run of frames and the root of their subtree.
    private readonly int[] _unitStarts;
    private readonly int[] _unitLengths;
    private readonly byte[] _unitRoots;

    private int _frameCount;
    private long _firstIndex;
    private byte[]? _checkpointRoot;
    private long _offset;
    private JournalDefect? _defect;
    private byte[] _window;
    private long _windowStart;
    private int _windowLength;

    private JournalScanner(IJournalStorage storage, long checkpointSize, bool keepLeaves, bool decode, int windowSize, int maxUnitLeaves, bool parallel)
    {
        _storage = storage;
        _fileLength = storage.Length;
        _windowSize = windowSize;
        _maxUnitLeaves = maxUnitLeaves;
        _parallel = parallel;
        _window = new byte[(int)Math.Clamp(_fileLength, JournalFrame.HeaderSize, windowSize)];
        _checkpointSize = checkpointSize;
        _leaves = keepLeaves ? [] : null;
        _decode = decode;
        _checkpointRoot = checkpointSize == 0 ? EvidenceHashing.EmptyRoot() : null;
        _checkUnit = CheckUnit;

        // A frame takes at least a header and a byte, so a small file needs small buffers.
        int frames = (int)Math.Min(MaxFramesPerBatch, (_fileLength / (JournalFrame.HeaderSize + 1)) + 1);
        _frameOffsets = new long[frames];
        _frameLengths = new int[frames];
        _flags = new byte[frames];
        _sequences = new long[frames];
        _errors = new string?[frames];
        _records = decode ? new EvidenceRecord?[frames] : null;
        _leafHashes = new byte[frames * EvidenceHashing.HashSize];

        // An aligned split of n frames into runs of at most u: at most log2(u) + 1 short runs at each end.
        int units = (frames / maxUnitLeaves) + (2 * (BitOperations.Log2((uint)maxUnitLeaves) + 1));
        _unitStarts = new int[units];
        _unitLengths = new int[units];
        _unitRoots = new byte[units * EvidenceHashing.HashSize];
    }

    /// <summary>Gets whether every frame was read or a bad one was found.</summary>
    public bool IsFinished => _defect is not null || _offset >= _fileLength;

    /// <summary>Reads the whole journal.</summary>
    /// <param name="storage">The journal file.</param>
    /// <param name="checkpointSize">The size whose root to capture, or -1.</param>
    /// <param name="keepLeaves">Whether to keep every leaf hash (for proofs).</param>
    /// <param name="onRecord">Called with each good record, its hash assigned.</param>
    public static JournalScan Scan(IJournalStorage storage, long checkpointSize, bool keepLeaves, Action<EvidenceRecord>? onRecord = null)
    {
        JournalScanner scanner = Start(storage, checkpointSize, keepLeaves, decode: onRecord is not null);
        while (scanner.Step(onRecord))
        {
        }

        return scanner.Finish();
    }

    /// <summary>Reads the whole journal, a window at a time with asynchronous reads, checking for cancellation between windows.</summary>
    /// <param name="storage">The journal file.</param>
    /// <param name="checkpointSize">The size whose root to capture, or -1.</param>
    /// <param name="cancellationToken">Stops reading; nothing is changed.</param>
    public static async ValueTask<JournalScan> ScanAsync(IJournalStorage storage, long checkpointSize, CancellationToken cancellationToken)
    {
        JournalScanner scanner = Start(storage, checkpointSize, keepLeaves: false, decode: false);
        try
        {
            do
            {
                await scanner.PrefetchAsync(cancellationToken).ConfigureAwait(false);
            }
            while (scanner.Step(null));
        }
        catch
        {
            scanner.Dispose();
            throw;
        }

        return scanner.Finish();
    }

    /// <summary>Starts a scan to be driven with <see cref="Step"/>; memory stays within one window and its records.</summary>
    /// <param name="storage">The journal file.</param>
    /// <param name="checkpointSize">The size whose root to capture, or -1.</param>
    /// <param name="keepLeaves">Whether to keep every leaf hash (for proofs).</param>
    /// <param name="decode">Whether to build each good record (for <see cref="Step"/>'s callback).</param>
    /// <param name="windowSize">How much of the file one step reads.</param>
    /// <param name="maxUnitLeaves">The most frames one unit of work hashes into one subtree; 1 appends leaf by leaf.</param>
    /// <param name="parallel">Whether a window's units run on every core, or all on the calling thread.</param>
    public static JournalScanner Start(
        IJournalStorage storage,
        long checkpointSize,
        bool keepLeaves,
        bool decode,
        int windowSize = DefaultWindowSize,
        int maxUnitLeaves = DefaultMaxUnitLeaves,
        bool parallel = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, JournalFrame.HeaderSize);
        if (maxUnitLeaves < 1 || !BitOperations.IsPow2(maxUnitLeaves))
        {
            throw new ArgumentOutOfRangeException(nameof(maxUnitLeaves), maxUnitLeaves, $"The unit size {maxUnitLeaves} must be a positive power of two.");
        }

        return new(storage, checkpointSize, keepLeaves, decode, windowSize, maxUnitLeaves, parallel);
    }

    /// <summary>Fills the window from the next frame with an asynchronous read, so the next <see cref="Step"/> reads nothing more unless it meets a bad frame.</summary>
    public async ValueTask PrefetchAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (IsFinished)
        {
            return;
        }

        int want = (int)Math.Min(_window.Length, _fileLength - _offset);
        if (IsInWindow(_offset, want))
        {
            return;
        }

        int read = 0;
        while (read < want)
        {
            int n = await _storage.ReadAsync(_window.AsMemory(read, want - read), _offset + read, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw Shortened(_offset + read);
            }

            read += n;
        }

        _windowStart = _offset;
        _windowLength = read;
    }

    /// <summary>
    /// Checks the frames that lie in one window, in order, handing each good record to <paramref name="onRecord"/>;
    /// returns false once the scan is finished (every frame read, or a bad frame found).
    /// </summary>
    public bool Step(Action<EvidenceRecord>? onRecord)
    {
        if (IsFinished)
        {
            return false;
        }

        // 1. Frame headers, in order, over the frames that lie wholly in the current window.
        (long Offset, long Extent, string Reason)? bad = CollectFrames(_offset);
        int count = _frameCount;

        // 2. CRCs, leaf hashes, canonical checks and aligned subtrees, in independent units, on every core.
        EvidenceLog log = _log;
        long first = log.Size;
        _firstIndex = first;
        int units = PlanUnits(first, count);
        if (_parallel && units > 1 && count >= MinParallelFrames)
        {
            Parallel.For(0, units, _checkUnit);
        }
        else
        {
            for (int u = 0; u < units; u++)
            {
                CheckUnit(u);
            }
        }

        // 3. What the units found, in order: the first frame that fails a check ends the good run. Only the first
        //    frame of each unit has its chain checked here, against the last leaf of the unit before it.
        int good = 0;
        ReadOnlySpan<byte> previousLeaf = log.LastLeafHash;
        for (; good < count; good++)
        {
            byte flags = _flags[good];
            if ((flags & (ChainUnchecked | CrcBad | NotCanonical | SequenceBad)) == ChainUnchecked
                && !ChainsTo(Entry(good), first + good, previousLeaf))
            {
                flags |= ChainBad;
            }

            if ((flags & ~ChainUnchecked) != 0)
            {
                bad = Judge(good, first + good, flags, previousLeaf);
                if (bad is not null || _defect is not null)
                {
                    break;
                }
            }

            if (onRecord is not null)
            {
                onRecord(_records![good]! with { Hash = EvidenceHashing.ToHex(Leaf(good)) });
            }

            previousLeaf = Leaf(good);
        }

        // 4. The log and its Merkle frontier advance past the good run: whole subtrees where they can.
        Advance(units, good);
        if (good > 0)
        {
            _offset = _frameOffsets[good - 1] + JournalFrame.HeaderSize + _frameLengths[good - 1];
        }

        _records?.AsSpan(0, count).Clear();
        if (_defect is null && bad is { } frameDefect)
        {
            _defect = Bad(log.Size, frameDefect.Offset, frameDefect.Extent, frameDefect.Reason);
        }

        return !IsFinished;
    }

    /// <summary>Releases the hash state; a scan abandoned before <see cref="Finish"/> must be disposed.</summary>
    public void Dispose() => _log.Dispose();

    /// <summary>Returns the state the scan ended in; call once, after <see cref="Step"/> returned false.</summary>
    public JournalScan Finish() => new(_log, _offset, _checkpointRoot, _leaves, _defect, _keyRotations);

    /// <summary>
    /// Judges a frame a unit flagged: a bad checksum is returned (it may be a torn tail); a record that is not what it
    /// should be sets <see cref="_defect"/>; a key rotation within the checkpoint is kept. Returns null otherwise.
    /// </summary>
    private (long Offset, long Extent, string Reason)? Judge(int frame, long index, byte flags, ReadOnlySpan<byte> previousLeaf)
    {
        long frameOffset = _frameOffsets[frame];
        if ((flags & CrcBad) != 0)
        {
            return (frameOffset, frameOffset + JournalFrame.HeaderSize + _frameLengths[frame], "the frame checksum (CRC-32C) does not match");
        }

        // From here on the frame is exactly as it was written: anything wrong with it is not a crash.
        if ((flags & NotCanonical) != 0)
        {
            _defect = new JournalDefect(false, index, frameOffset, _errors[frame]!);
        }
        else if ((flags & SequenceBad) != 0)
        {
            _defect = new JournalDefect(false, index, frameOffset, $"the record has sequence {_sequences[frame]} where {index} was expected");
        }
        else if ((flags & ChainBad) != 0)
        {
            _defect = ChainDefect(frame, index, previousLeaf);
        }
        else if (index < _checkpointSize && (flags & KeyRotationFlag) != 0)
        {
            _keyRotations.Add(_records?[frame] ?? EvidenceEncoding.Decode(Entry(frame)));
        }

        return null;
    }

    /// <summary>Whether a canonical entry with the expected sequence holds <paramref name="previousLeaf"/> as its previous hash.</summary>
    private static bool ChainsTo(ReadOnlySpan<byte> entry, long index, ReadOnlySpan<byte> previousLeaf)
    {
        // A canonical entry holds the previous hash right after its sequence.
        Span<byte> expected = stackalloc byte[EvidenceHashing.HashSize * 2];
        Convert.TryToHexStringLower(previousLeaf, expected, out _);
        return entry.Slice(EvidenceEncoding.PreviousHashOffset(index), expected.Length).SequenceEqual(expected);
    }

    private JournalDefect ChainDefect(int frame, long index, ReadOnlySpan<byte> previousLeaf)
    {
        ReadOnlySpan<byte> previous = Entry(frame).Slice(EvidenceEncoding.PreviousHashOffset(index), EvidenceHashing.HashSize * 2);
        return new JournalDefect(false, index, _frameOffsets[frame], $"the record's previous hash {Encoding.ASCII.GetString(previous)} is not the hash of the record before it, {EvidenceHashing.ToHex(previousLeaf)}");
    }

    private ReadOnlySpan<byte> Entry(int frame) => InWindow(_frameOffsets[frame] + JournalFrame.HeaderSize, _frameLengths[frame]);

    /// <summary>
    /// Whether a canonical entry is a KeyRotation record: its kind follows the previous hash and the fixed-width
    /// timestamp, and string values escape every quote, so the bytes below appear nowhere else.
    /// </summary>
    private static bool IsKeyRotation(ReadOnlySpan<byte> entry, long sequence)
    {
        int at = EvidenceEncoding.PreviousHashOffset(sequence) + (EvidenceHashing.HashSize * 2);
        return entry.Length > at && entry.Slice(at, Math.Min(64, entry.Length - at)).IndexOf("\"kind\":\"KeyRotation\""u8) >= 0;
    }

    /// <summary>
    /// Splits the window's frames into runs that are perfect, aligned subtrees of the whole log — run of 2^h frames
    /// starting at a multiple of 2^h — of at most the unit size; returns how many.
    /// </summary>
    private int PlanUnits(long first, int count)
    {
        int units = 0;
        for (int start = 0; start < count;)
        {
            long at = first + start;
            int length = at == 0 ? _maxUnitLeaves : (int)Math.Min(_maxUnitLeaves, at & -at);
            while (length > count - start)
            {
                length >>= 1;
            }

            _unitStarts[units] = start;
            _unitLengths[units] = length;
            units++;
            start += length;
        }

        return units;
    }

    /// <summary>Checks one unit's frames on their own — CRC, leaf hash, canonical form — and hashes their subtree.</summary>
    private void CheckUnit(int unit)
    {
        int start = _unitStarts[unit];
        int end = start + _unitLengths[unit];
        for (int i = start; i < end; i++)
        {
            long frameOffset = _frameOffsets[i];
            ReadOnlySpan<byte> entry = InWindow(frameOffset + JournalFrame.HeaderSize, _frameLengths[i]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(InWindow(frameOffset + 8, 4));
            if (JournalFrame.Checksum(entry) != crc)
            {
                _flags[i] = CrcBad;
                continue;
            }

            EvidenceHashing.LeafHash(entry, _leafHashes.AsSpan(i * EvidenceHashing.HashSize, EvidenceHashing.HashSize));
            long sequence;
            string? error;
            if (_records is { } records)
            {
                try
                {
                    EvidenceRecord record = EvidenceEncoding.Decode(entry);
                    records[i] = record;
                    (sequence, error) = (record.Sequence, null);
                }
                catch (FormatException ex)
                {
                    (sequence, error) = (-1, ex.Message);
                }
            }
            else
            {
                error = CanonicalEntryReader.Validate(entry, out sequence);
            }

            _sequences[i] = sequence;
            _errors[i] = error;
            long index = _firstIndex + i;
            byte flags = i == start ? ChainUnchecked : (byte)0;
            if (error is not null)
            {
                flags |= NotCanonical;
            }
            else
            {
                if (sequence != index)
                {
                    flags |= SequenceBad;
                }
                else
                {
                    // The frame before it in this unit is hashed: a bad one ends the good run before this one matters.
                    if (i > start && !ChainsTo(entry, index, Leaf(i - 1)))
                    {
                        flags |= ChainBad;
                    }

                    if (IsKeyRotation(entry, sequence))
                    {
                        flags |= KeyRotationFlag;
                    }
                }
            }

            _flags[i] = flags;
        }

        // A subtree over a frame that failed is never used: the log stops before it.
        MerkleFrontier.SubtreeRoot(
            _leafHashes.AsSpan(start * EvidenceHashing.HashSize, (end - start) * EvidenceHashing.HashSize),
            _unitRoots.AsSpan(unit * EvidenceHashing.HashSize, EvidenceHashing.HashSize));
    }

    /// <summary>
    /// Advances the log past the first <paramref name="good"/> frames: a unit wholly good, without the checkpoint
    /// inside it, as one subtree; otherwise leaf by leaf, capturing the root at the checkpoint size.
    /// </summary>
    private void Advance(int units, int good)
    {
        EvidenceLog log = _log;
        for (int u = 0; u < units && _unitStarts[u] < good; u++)
        {
            int start = _unitStarts[u];
            int length = _unitLengths[u];
            long at = log.Size;
            if (start + length <= good && !(at < _checkpointSize && _checkpointSize < at + length))
            {
                log.RestoreSubtree(_unitRoots.AsSpan(u * EvidenceHashing.HashSize, EvidenceHashing.HashSize), BitOperations.Log2((uint)length), Leaf(start + length - 1));
                CaptureCheckpointRoot();
            }
            else
            {
                for (int i = start; i < Math.Min(start + length, good); i++)
                {
                    log.Restore(Leaf(i));
                    CaptureCheckpointRoot();
                }
            }
        }

        if (_leaves is { } leaves)
        {
            for (int i = 0; i < good; i++)
            {
                leaves.Add(Leaf(i).ToArray());
            }
        }
    }

    private void CaptureCheckpointRoot()
    {
        if (_log.Size == _checkpointSize)
        {
            _checkpointRoot = _log.Root();
        }
    }

    private ReadOnlySpan<byte> Leaf(int frame) => _leafHashes.AsSpan(frame * EvidenceHashing.HashSize, EvidenceHashing.HashSize);

    /// <summary>
    /// Checks magic and length of the frames from <paramref name="offset"/> that fit in one window, recording the
    /// well-formed ones (their CRCs are checked with their hashes); returns the first malformed frame, if it was reached.
    /// </summary>
    private (long Offset, long Extent, string Reason)? CollectFrames(long offset)
    {
        int count = 0;
        int capacity = _frameOffsets.Length;
        long next = offset;
        (long Offset, long Extent, string Reason)? bad = null;
        while (next < _fileLength && count < capacity)
        {
            long remaining = _fileLength - next;
            if (remaining < JournalFrame.HeaderSize)
            {
                bad = (next, _fileLength, "the frame header is incomplete");
                break;
            }

            // Refilling the window would invalidate the frames already collected: hand those over first.
            if (count > 0 && !IsInWindow(next, JournalFrame.HeaderSize))
            {
                break;
            }

            ReadOnlySpan<byte> header = Get(next, JournalFrame.HeaderSize);
            if (!header[..4].SequenceEqual(JournalFrame.Magic))
            {
                bad = (next, next + 4, "the frame does not start with the magic 'FCJ1'");
                break;
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length == 0 || length > EvidenceEncoding.MaxEntryBytes)
            {
                bad = (next, next + JournalFrame.HeaderSize, $"the frame length {length} is outside 1..{EvidenceEncoding.MaxEntryBytes}");
                break;
            }

            if (length > remaining - JournalFrame.HeaderSize)
            {
                bad = (next, _fileLength, $"the frame of {length} bytes runs past the end of the file");
                break;
            }

            if (count > 0 && !IsInWindow(next, JournalFrame.HeaderSize + (int)length))
            {
                break;
            }

            // The first frame of a step may start a new window: make the whole frame, header included, lie in it.
            _ = Get(next, JournalFrame.HeaderSize + (int)length);
            _frameOffsets[count] = next;
            _frameLengths[count] = (int)length;
            count++;
            next += JournalFrame.HeaderSize + length;
        }

        _frameCount = count;
        return bad;
    }

    private bool IsInWindow(long offset, int count) =>
        offset >= _windowStart && offset + count <= _windowStart + _windowLength;

    private ReadOnlySpan<byte> InWindow(long offset, int count) => _window.AsSpan((int)(offset - _windowStart), count);

    /// <summary>
    /// A bad frame is a torn tail when nothing but zeros follows its extent and no intact frame starts after it:
    /// a crash tears only the end of the last write.
    /// </summary>
    private JournalDefect Bad(long index, long offset, long extent, string reason)
    {
        bool torn = AllZero(extent) && !IntactFrameAfter(offset + 1);
        return new JournalDefect(torn, index, offset, reason);
    }

    private bool AllZero(long from)
    {
        for (long at = from; at < _fileLength;)
        {
            int count = (int)Math.Min(_windowSize, _fileLength - at);
            if (Get(at, count).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            at += count;
        }

        return true;
    }

    private bool IntactFrameAfter(long from)
    {
        long at = from;
        while (at + JournalFrame.HeaderSize <= _fileLength)
        {
            int count = (int)Math.Min(_windowSize, _fileLength - at);
            int found = Get(at, count).IndexOf(JournalFrame.Magic);
            if (found < 0)
            {
                // Keep three bytes of overlap so a magic split across windows is still seen.
                at += Math.Max(1, count - 3);
                continue;
            }

            long candidate = at + found;
            if (IsIntactFrame(candidate))
            {
                return true;
            }

            at = candidate + 1;
        }

        return false;
    }

    private bool IsIntactFrame(long offset)
    {
        if (_fileLength - offset < JournalFrame.HeaderSize)
        {
            return false;
        }

        ReadOnlySpan<byte> header = Get(offset, JournalFrame.HeaderSize);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (length == 0 || length > EvidenceEncoding.MaxEntryBytes || length > _fileLength - offset - JournalFrame.HeaderSize)
        {
            return false;
        }

        return JournalFrame.Checksum(Get(offset + JournalFrame.HeaderSize, (int)length)) == crc;
    }

    /// <summary>Returns <paramref name="count"/> bytes at <paramref name="offset"/>; valid until the next call.</summary>
    private ReadOnlySpan<byte> Get(long offset, int count)
    {
        if (offset < _windowStart || offset + count > _windowStart + _windowLength)
        {
            if (count > _window.Length)
            {
                _window = new byte[count];
            }

            int read = 0;
            int want = (int)Math.Min(_window.Length, _fileLength - offset);
            while (read < want)
            {
                int n = _storage.Read(_window.AsSpan(read, want - read), offset + read);
                if (n == 0)
                {
                    throw Shortened(offset + read);
                }

                read += n;
            }

            _windowStart = offset;
            _windowLength = read;
        }

        return _window.AsSpan((int)(offset - _windowStart), count);
    }

    private IOException Shortened(long at) =>
        new($"The journal ended at byte {at} while reading; it is {_fileLength} bytes long. Is another process truncating it?");
}
