namespace FailClosed.Gates;

/// <summary>Helpers over the pins of gate trees.</summary>
internal static class PolicyPins
{
    /// <summary>Returns the distinct pins of <paramref name="gates"/>, in first-seen order.</summary>
    public static PolicyPin[] Collect<TContext>(Gate<TContext>[] gates)
    {
        var pins = new List<PolicyPin>();
        foreach (Gate<TContext> gate in gates)
        {
            foreach (PolicyPin pin in gate.Pins)
            {
                if (!pins.Contains(pin))
                {
                    pins.Add(pin);
                }
            }
        }

        return pins.Count == 0 ? [] : pins.ToArray();
    }
}
