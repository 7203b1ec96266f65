namespace FailClosed.Gates.Tests.TestUtilities;

/// <summary>
/// Journal bytes built directly from records (no writer, no flushes), so tests can scan journals of many windows and
/// many thousands of records quickly; the checkpoint note is signed over the first <c>checkpointSize</c> records.
/// </summary>
internal sealed class SyntheticJournal
{
    private SyntheticJournal(byte[] bytes, long[] frameEnds, string note)
    {
        Bytes = bytes;
        FrameEnds = frameEnds;
        Note = note;
    }

    /// <summary>Gets the journal file's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>Gets the offset just past each record's frame.</summary>
    public long[] FrameEnds { get; }

    /// <summary>Gets the signed checkpoint note.</summary>
    public string Note { get; }

    /// <summary>Gets the offset of record <paramref name="index"/>'s frame.</summary>
    public long FrameStart(int index) => index == 0 ? 0 : FrameEnds[index - 1];

    /// <summary>Gets the bytes of record <paramref name="index"/>'s frame.</summary>
    public byte[] Frame(int index) => Bytes[(int)FrameStart(index)..(int)FrameEnds[index]];

    /// <summary>Builds a journal of <paramref name="records"/> records, by default <see cref="EvidenceSamples.Record"/>'s (every eighth a KeyRotation).</summary>
    public static SyntheticJournal Build(int records, long checkpointSize = -1, Func<int, EvidenceRecord>? record = null)
    {
        record ??= static n => EvidenceSamples.Record(n);
        long signedSize = checkpointSize < 0 ? records : checkpointSize;
        using var log = new EvidenceLog();
        using var stream = new MemoryStream();
        var ends = new long[records];
        Span<byte> leaf = stackalloc byte[EvidenceHashing.HashSize];
        byte[]? rootAtCheckpoint = signedSize == 0 ? EvidenceHashing.EmptyRoot() : null;
        for (int i = 0; i < records; i++)
        {
            byte[] content = EvidenceEncoding.EncodeContent(record(i));
            var entry = new byte[log.NextEntryLength(content.Length)];
            log.Append(content, entry, leaf);
            stream.Write(JournalFrame.Create(entry));
            ends[i] = stream.Position;
            if (log.Size == signedSize)
            {
                rootAtCheckpoint = log.Root();
            }
        }

        string note = CheckpointNote.Sign(JournalTesting.Origin, signedSize, rootAtCheckpoint!, JournalTesting.Key).Note;
        return new SyntheticJournal(stream.ToArray(), ends, note);
    }
}
