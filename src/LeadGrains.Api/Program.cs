using LeadGrains.Api.Auth;
using LeadGrains.Api.Hosting;

// The thin front end: authenticates, validates, forwards commands to grains and serves read-only
// pages from PostgreSQL, as an Orleans client of a cluster of LeadGrains.Silo processes (the
// all-in-one local process, LeadGrains.Local, runs the same API with a silo of its own).
// "token ..." mints a dev token instead of serving.
if (args is ["token", .. var tokenArgs])
{
    var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory }).Configuration;
    Environment.ExitCode = TokenCommand.Run(configuration, tokenArgs, Console.Out, Console.Error);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddLeadGrainsApi();
builder.AddLeadGrainsClusterClient();

var app = builder.Build();
app.MapLeadGrainsApi();
app.Run();
