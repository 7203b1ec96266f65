namespace FailClosed.Gates;

/// <summary>
/// Tells the executor which roles a reviewer holds. The host implements it from its identity provider; roles never
/// come from what the caller of an approval claims.
/// </summary>
public interface IReviewerDirectory
{
    /// <summary>Returns the roles <paramref name="reviewer"/> holds now; empty when none or unknown.</summary>
    /// <param name="reviewer">The reviewer's authenticated identity.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The roles, compared ordinally.</returns>
    ValueTask<IReadOnlyCollection<string>> GetRolesAsync(string reviewer, CancellationToken cancellationToken = default);
}
