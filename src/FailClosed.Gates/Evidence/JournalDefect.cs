namespace FailClosed.Gates;

/// <summary>Where and why a journal scan stopped before the end of the file.</summary>
/// <param name="IsTornTail">True when the bad bytes are a torn tail a crash can leave (recoverable); false for tampering.</param>
/// <param name="Index">The index of the record that could not be read.</param>
/// <param name="Offset">The byte offset of its frame.</param>
/// <param name="Reason">What is wrong, as a sentence fragment.</param>
internal sealed record JournalDefect(bool IsTornTail, long Index, long Offset, string Reason);
