namespace FailClosed.Gates;

/// <summary>One reviewer's counted approval or rejection of a ticket.</summary>
/// <param name="Reviewer">The reviewer's identity, as the host authenticated it.</param>
/// <param name="Role">The role, held in the reviewer directory, the vote counted for.</param>
/// <param name="At">When the vote was counted, from the executor's <see cref="TimeProvider"/>.</param>
/// <param name="Comment">The reviewer's secret-free comment, if any.</param>
public readonly record struct ReviewVote(string Reviewer, string Role, DateTimeOffset At, string? Comment);
