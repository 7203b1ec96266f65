namespace FailClosed.Gates.PostgreSql;

/// <summary>The statements of one trail, built once for its (validated) schema name.</summary>
internal sealed class Sql(string schema)
{
    /// <summary>Takes the append lock for the rest of the transaction and reports the session's synchronous_commit.</summary>
    public string Lock { get; } = "SELECT pg_advisory_xact_lock(@key), current_setting('synchronous_commit')";

    /// <summary>Reads every row from a sequence on: the check on open.</summary>
    public string RowsFrom { get; } = $"SELECT seq, leaf_hash, prev_hash FROM {schema}.evidence WHERE seq >= @from ORDER BY seq";

    /// <summary>
    /// Reads the rows of a sequence range: the catch-up and head read, a chunk at a time. A closed range keeps the
    /// planner's estimate small whatever the table's statistics say (with stale ones, an open range was estimated at
    /// the whole table), so the plan stays on the primary key.
    /// </summary>
    public string RowsBetween { get; } = $"SELECT seq, leaf_hash, prev_hash FROM {schema}.evidence WHERE seq BETWEEN @from AND @to ORDER BY seq";

    /// <summary>Inserts a batch with one statement over parameter arrays.</summary>
    public string Insert { get; } = $"INSERT INTO {schema}.evidence (seq, entry, leaf_hash, prev_hash) SELECT * FROM unnest(@seq, @entry, @leaf, @prev)";

    /// <summary>
    /// Inserts a batch only when the trail's head is the one it was chained to (no row at <c>@next</c>, and the row
    /// before it has leaf hash <c>@head</c>) and the session's commits are synchronous; otherwise inserts nothing.
    /// Both tests are primary-key lookups: rows are contiguous, so none is after <c>@next</c> when none is at it (and a
    /// forged one there would fail the insert on the key). An open range test here was planned as a scan of the whole
    /// table while the statistics were stale.
    /// </summary>
    public string InsertAtHead { get; } = $"""
        INSERT INTO {schema}.evidence (seq, entry, leaf_hash, prev_hash) SELECT * FROM unnest(@seq, @entry, @leaf, @prev)
        WHERE current_setting('synchronous_commit') <> 'off'
          AND NOT EXISTS (SELECT 1 FROM {schema}.evidence WHERE seq = @next)
          AND (@next = 0 OR EXISTS (SELECT 1 FROM {schema}.evidence WHERE seq = @next - 1 AND leaf_hash = @head))
        """;

    /// <summary>Reads the latest checkpoint.</summary>
    public string LatestCheckpoint { get; } = $"SELECT tree_size, note FROM {schema}.evidence_checkpoints ORDER BY tree_size DESC LIMIT 1";

    /// <summary>Inserts a checkpoint unless one of the same size is there (every instance computes the same root).</summary>
    public string InsertCheckpoint { get; } = $"INSERT INTO {schema}.evidence_checkpoints (tree_size, root_hash, note) VALUES (@size, @root, @note) ON CONFLICT (tree_size) DO NOTHING";

    /// <summary>Reads every entry in order, for verification and export.</summary>
    public string Entries { get; } = $"SELECT seq, entry, leaf_hash, prev_hash FROM {schema}.evidence ORDER BY seq";
}
