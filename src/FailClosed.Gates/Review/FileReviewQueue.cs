namespace FailClosed.Gates;

/// <summary>
/// The durable <see cref="IReviewQueue"/>: ticket events appended to a <see cref="FileEvidenceJournal"/> of its own
/// (the same framing, hash chain, signed checkpoints and torn-tail recovery), with tickets rebuilt by replaying the
/// events when it opens. A change is acknowledged only once its event is flushed, so a crash at any point loses no
/// acknowledged vote or run. One writer per file.
/// </summary>
/// <remarks>
/// The file holds subjects and request descriptions; keep secrets out of both. Read and verify it from elsewhere with
/// <see cref="ReadTickets"/> and <see cref="EvidenceVerifier"/>, or <c>fcgate review list|show</c>.
/// </remarks>
public sealed class FileReviewQueue : IReviewQueue, IAsyncDisposable, IDisposable
{
    private readonly FileEvidenceJournal _journal;
    private readonly ReviewTicketBook _book;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private FileReviewQueue(FileEvidenceJournal journal, ReviewTicketBook book)
    {
        _journal = journal;
        _book = book;
    }

    /// <summary>Gets the path of the queue's journal file.</summary>
    public string Path => _journal.Path;

    /// <summary>Opens (or creates) a queue file, recovers a torn tail, verifies it and rebuilds its tickets.</summary>
    /// <param name="options">The journal options of the queue file: path, origin, checkpoint key.</param>
    /// <returns>The open queue; dispose it to release the file.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="EvidenceUnavailableException">The file cannot be opened, is locked by another writer, is
    /// tampered with, or holds an event that does not apply (code <see cref="GateCodes.EvidenceTampered"/>).</exception>
    public static FileReviewQueue Open(FileEvidenceJournalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        FileEvidenceJournal journal = FileEvidenceJournal.Open(options);
        try
        {
            var book = new ReviewTicketBook();
            ReviewEventCodec.Replay(FileEvidenceJournal.ReadRecords(journal.Path), book, journal.Path);
            return new FileReviewQueue(journal, book);
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Reads the tickets of a queue file without opening it for writing (an operator's view).</summary>
    /// <param name="path">The queue file; it may be open for writing elsewhere.</param>
    /// <returns>Every ticket, oldest first. Reading is not verification: check the checkpoint with <see cref="EvidenceVerifier"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    /// <exception cref="EvidenceUnavailableException">A record is damaged or is not a valid ticket event.</exception>
    public static IReadOnlyList<ReviewTicket> ReadTickets(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var book = new ReviewTicketBook();
        ReviewEventCodec.Replay(FileEvidenceJournal.ReadRecords(path), book, path);
        return book.List(ReviewTicketFilter.All);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or one of its required members is null.</exception>
    /// <exception cref="ArgumentException">The request's digest is not the hash of its description, or it carries an Allow decision.</exception>
    /// <exception cref="ReviewConflictException">A ticket with the same id is already queued.</exception>
    /// <exception cref="EvidenceUnavailableException">The event could not be made durable; nothing was queued.</exception>
    public async ValueTask<ReviewTicket> EnqueueAsync(ReviewRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReviewTicket ticket = _book.Admit(request);

            // Not the caller's token: once the event may be in the file, the book must follow it.
            await _journal.AppendAsync(ReviewEventCodec.Enqueued(request), CancellationToken.None).ConfigureAwait(false);
            _book.Store(ticket);
            return ticket;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="ticketId"/> is null.</exception>
    public async ValueTask<ReviewTicket?> FindAsync(string ticketId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticketId);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _book.Find(ticketId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="filter"/> is null.</exception>
    public async ValueTask<IReadOnlyList<ReviewTicket>> ListAsync(ReviewTicketFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _book.List(filter);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="transition"/> is null.</exception>
    /// <exception cref="EvidenceUnavailableException">The event could not be made durable; nothing changed.</exception>
    public async ValueTask<ReviewTicket> ApplyAsync(ReviewTransition transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ReviewTicket next = _book.Next(transition);
            await _journal.AppendAsync(ReviewEventCodec.Changed(next, transition), CancellationToken.None).ConfigureAwait(false);
            _book.Store(next);
            return next;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the queue file (after a final checkpoint).</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _journal.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    /// <summary>Closes the queue file (after a final checkpoint).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
