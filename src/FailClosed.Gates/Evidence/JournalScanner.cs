using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FailClosed.Gates;

/// <summary>
/// Reads a journal frame by frame and checks everything a frame and its record promise: magic, length, CRC, the
/// canonical encoding, the sequence and the chain. Classifies the first bad frame as a torn tail or tampering.
/// </summary>
internal sealed class JournalScanner : IDisposable
{
    private const int WindowSize = 1 << 20;
    private const int MaxFramesPerBatch = 8192;

    private readonly IJournalStorage _storage;
    private readonly long _fileLength;
    private readonly EvidenceLog _log = new();
    private readonly List<byte[]>? _leaves;
    private readonly long _checkpointSize;
    private readonly bool _decode;
    private readonly List<(long Offset, int Length)> _frames = [];
    private readonly byte[] _expectedPrevious = new byte[EvidenceHashing.HashSize * 2];
    private readonly List<EvidenceRecord> _keyRotations = [];
    private byte[]? _checkpointRoot;
    private long _offset;
    private JournalDefect? _defect;
    private byte[] _window;
    private long _windowStart;
    private int _windowLength;

    private JournalScanner(IJournalStorage storage, long checkpointSize, bool keepLeaves, bool decode)
    {
        _storage = storage;
        _fileLength = storage.Length;
        _window = new byte[(int)Math.Clamp(_fileLength, JournalFrame.HeaderSize, WindowSize)];
        _checkpointSize = checkpointSize;
        _leaves = keepLeaves ? [] : null;
        _decode = decode;
        _checkpointRoot = checkpointSize == 0 ? EvidenceHashing.EmptyRoot() : null;
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
    public static JournalScanner Start(IJournalStorage storage, long checkpointSize, bool keepLeaves, bool decode) =>
        new(storage, checkpointSize, keepLeaves, decode);

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

        // 1. Frame checks, in order, over the frames that lie wholly in the current window.
        List<(long Offset, int Length)> frames = _frames;
        (long Offset, long Extent, string Reason)? bad = CollectFrames(_offset, frames);

        // 2. Leaf hashes and the canonical decoding of those frames, on every core.
        var results = new FrameResult[frames.Count];
        bool decode = _decode;
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
        EvidenceLog log = _log;
        for (int i = 0; i < frames.Count; i++)
        {
            (long frameOffset, int length) = frames[i];
            FrameResult result = results[i];

            // From here on the frame is exactly as it was written: anything wrong with it is not a crash.
            if (result.Error is { } error)
            {
                _defect = new JournalDefect(false, log.Size, frameOffset, error);
                return false;
            }

            if (result.Sequence != log.Size)
            {
                _defect = new JournalDefect(false, log.Size, frameOffset, $"the record has sequence {result.Sequence} where {log.Size} was expected");
                return false;
            }

            // A canonical entry holds the previous hash right after its sequence.
            ReadOnlySpan<byte> previous = InWindow(frameOffset + JournalFrame.HeaderSize, length)
                .Slice(EvidenceEncoding.PreviousHashOffset(result.Sequence), EvidenceHashing.HashSize * 2);
            Convert.TryToHexStringLower(log.LastLeafHash, _expectedPrevious, out _);
            if (!previous.SequenceEqual(_expectedPrevious))
            {
                _defect = new JournalDefect(false, log.Size, frameOffset, $"the record's previous hash {Encoding.ASCII.GetString(previous)} is not the hash of the record before it, {Encoding.ASCII.GetString(_expectedPrevious)}");
                return false;
            }

            if (log.Size < _checkpointSize && IsKeyRotation(InWindow(frameOffset + JournalFrame.HeaderSize, length), result.Sequence))
            {
                _keyRotations.Add(result.Record ?? EvidenceEncoding.Decode(InWindow(frameOffset + JournalFrame.HeaderSize, length)));
            }

            log.Restore(result.Leaf);
            _leaves?.Add(result.Leaf);
            if (log.Size == _checkpointSize)
            {
                _checkpointRoot = log.Root();
            }

            onRecord?.Invoke(result.Record! with { Hash = EvidenceHashing.ToHex(result.Leaf) });
            _offset = frameOffset + JournalFrame.HeaderSize + length;
        }

        if (bad is { } frameDefect)
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
    /// Whether a canonical entry is a KeyRotation record: its kind follows the previous hash and the fixed-width
    /// timestamp, and string values escape every quote, so the bytes below appear nowhere else.
    /// </summary>
    private static bool IsKeyRotation(ReadOnlySpan<byte> entry, long sequence)
    {
        int at = EvidenceEncoding.PreviousHashOffset(sequence) + (EvidenceHashing.HashSize * 2);
        return entry.Length > at && entry.Slice(at, Math.Min(64, entry.Length - at)).IndexOf("\"kind\":\"KeyRotation\""u8) >= 0;
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
