namespace LeadGrains.Grains.Distribution;

/// <summary>Runs a long, blocking loop on a thread of its own, outside the thread pool, as a task that ends with it.</summary>
internal static class DedicatedThread
{
    public static Task Run(string name, Action loop)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
                ended.SetResult();
            }
            catch (Exception error)
            {
                ended.SetException(error);
            }
        })
        {
            Name = name,
            IsBackground = true,
        };
        thread.Start();
        return ended.Task;
    }
}
