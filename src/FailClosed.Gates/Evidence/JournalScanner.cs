using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FailClosed.Gates;

/// <summary>
/// Reads a journal frame by frame and checks everything a frame and its record promise: magic, length, CRC, the
/// canonical encoding, the sequence and the chain. Classifies the first bad frame as a torn tail or tampering.
/// </summary>
internal sealed class JournalScanner
{
    private const int WindowSize = 1 << 20;
    private const int MaxFramesPerBatch = 8192;

    private readonly IJournalStorage _storage;
    private readonly long _fileLength;
    private byte[] _window;
    private long _windowStart;
    private int _windowLength;

    private JournalScanner(IJournalStorage storage)
    {
        _storage = storage;
        _fileLength = storage.Length;
        _window = new byte[(int)Math.Clamp(_fileLength, JournalFrame.HeaderSize, WindowSize)];
    }

    /// <summary>Reads the whole journal.</summary>
    /// <param name="storage">The journal file.</param>
    /// <param name="checkpointSize">The size whose root to capture, or -1.</param>
    /// <param name="keepLeaves">Whether to keep every leaf hash (for proofs).</param>
    /// <param name="onRecord">Called with each good record, its hash assigned.</param>
    public static JournalScan Scan(IJournalStorage storage, long checkpointSize, bool keepLeaves, Action<EvidenceRecord>? onRecord = null) =>
        new JournalScanner(storage).Run(checkpointSize, keepLeaves, onRecord);

    private JournalScan Run(long checkpointSize, bool keepLeaves, Action<EvidenceRecord>? onRecord)
    {
        var log = new EvidenceLog();
        List<byte[]>? leaves = keepLeaves ? [] : null;
        byte[]? checkpointRoot = checkpointSize == 0 ? EvidenceHashing.EmptyRoot() : null;
        Span<byte> expectedPrevious = stackalloc byte[EvidenceHashing.HashSize * 2];
        bool decode = onRecord is not null;
        var frames = new List<(long Offset, int Length)>();
        long offset = 0;
        JournalDefect? defect = null;
        while (defect is null && offset < _fileLength)
        {
            // 1. Frame checks, in order, over the frames that lie wholly in the current window.
            (long Offset, long Extent, string Reason)? bad = CollectFrames(offset, frames);

            // 2. Leaf hashes and the canonical decoding of those frames, on every core.
            var results = new FrameResult[frames.Count];
            Parallel.For(
                0,
                frames.Count,
                () => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
                (i, _, sha256) =>
                {
                    (long frameOffset, int length) = frames[i];
                    ReadOnlySpan<byte> entry = InWindow(frameOffset + JournalFrame.HeaderSize, length);
                    results[i] = FrameResult.Of(sha256, entry, decode);
                    return sha256;
                },
                static sha256 => sha256.Dispose());

            // 3. Sequence and chain, in order.
            for (int i = 0; i < frames.Count; i++)
            {
                (long frameOffset, int length) = frames[i];
                FrameResult result = results[i];

                // From here on the frame is exactly as it was written: anything wrong with it is not a crash.
                if (result.Error is { } error)
                {
                    defect = new JournalDefect(false, log.Size, frameOffset, error);
                    break;
                }

                if (result.Sequence != log.Size)
                {
                    defect = new JournalDefect(false, log.Size, frameOffset, $"the record has sequence {result.Sequence} where {log.Size} was expected");
                    break;
                }

                // A canonical entry holds the previous hash right after its sequence.
                ReadOnlySpan<byte> previous = InWindow(frameOffset + JournalFrame.HeaderSize, length)
                    .Slice(EvidenceEncoding.PreviousHashOffset(result.Sequence), EvidenceHashing.HashSize * 2);
                Convert.TryToHexStringLower(log.LastLeafHash, expectedPrevious, out _);
                if (!previous.SequenceEqual(expectedPrevious))
                {
                    defect = new JournalDefect(false, log.Size, frameOffset, $"the record's previous hash {Encoding.ASCII.GetString(previous)} is not the hash of the record before it, {Encoding.ASCII.GetString(expectedPrevious)}");
                    break;
                }

                log.Restore(result.Leaf);
                leaves?.Add(result.Leaf);
                if (log.Size == checkpointSize)
                {
                    checkpointRoot = log.Root();
                }

                onRecord?.Invoke(result.Record! with { Hash = EvidenceHashing.ToHex(result.Leaf) });
                offset = frameOffset + JournalFrame.HeaderSize + length;
            }

            if (defect is null && bad is { } frameDefect)
            {
                defect = Bad(log.Size, frameDefect.Offset, frameDefect.Extent, frameDefect.Reason);
            }
        }

        return new JournalScan(log, offset, checkpointRoot, leaves, defect);
    }

    /// <summary>
    /// Checks magic, length and CRC of the frames from <paramref name="offset"/> that fit in one window, adding the
    /// good ones to <paramref name="frames"/>; returns the first bad frame, if it was reached.
    /// </summary>
    private (long Offset, long Extent, string Reason)? CollectFrames(long offset, List<(long Offset, int Length)> frames)
    {
        frames.Clear();
        long next = offset;
        while (next < _fileLength && frames.Count < MaxFramesPerBatch)
        {
            long remaining = _fileLength - next;
            if (remaining < JournalFrame.HeaderSize)
            {
                return (next, _fileLength, "the frame header is incomplete");
            }

            // Refilling the window would invalidate the frames already collected: hand those over first.
            if (frames.Count > 0 && !IsInWindow(next, JournalFrame.HeaderSize))
            {
                return null;
            }

            ReadOnlySpan<byte> header = Get(next, JournalFrame.HeaderSize);
            if (!header[..4].SequenceEqual(JournalFrame.Magic))
            {
                return (next, next + 4, "the frame does not start with the magic 'FCJ1'");
            }

            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            if (length == 0 || length > EvidenceEncoding.MaxEntryBytes)
            {
                return (next, next + JournalFrame.HeaderSize, $"the frame length {length} is outside 1..{EvidenceEncoding.MaxEntryBytes}");
            }

            if (length > remaining - JournalFrame.HeaderSize)
            {
                return (next, _fileLength, $"the frame of {length} bytes runs past the end of the file");
            }

            if (frames.Count > 0 && !IsInWindow(next + JournalFrame.HeaderSize, (int)length))
            {
                return null;
            }

            if (JournalFrame.Checksum(Get(next + JournalFrame.HeaderSize, (int)length)) != crc)
            {
                return (next, next + JournalFrame.HeaderSize + length, "the frame checksum (CRC-32C) does not match");
            }

            frames.Add((next, (int)length));
            next += JournalFrame.HeaderSize + length;
        }

        return null;
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
            int count = (int)Math.Min(WindowSize, _fileLength - at);
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
            int count = (int)Math.Min(WindowSize, _fileLength - at);
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
                    throw new IOException($"The journal ended at byte {offset + read} while reading; it is {_fileLength} bytes long. Is another process truncating it?");
                }

                read += n;
            }

            _windowStart = offset;
            _windowLength = read;
        }

        return _window.AsSpan((int)(offset - _windowStart), count);
    }
}
