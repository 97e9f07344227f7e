using LeadGrains.Api.Hosting;
using LeadGrains.Hosting;
using LeadGrains.Silo.Hosting;
using Scalar.AspNetCore;

// Local mode: the admin API of LeadGrains.Api with a silo of LeadGrains.Silo in this one process,
// so one command runs the whole system. Production runs the API as a client of separate silos.
var builder = WebApplication.CreateBuilder(args);
builder.AddLeadGrainsApi();
builder.AddLeadGrainsSiloHost(LeadGrainsClusterOptions.From(builder.Configuration));

var app = builder.Build();
app.MapLeadGrainsApi();
// A developer's way to read and try the API in a browser, over the served /openapi/v1.json (its
// assets ship in the package). Local mode only: production serves the document, not a console on it.
app.MapScalarApiReference("/api-docs", options => options.WithTitle("LeadGrains admin API"));
app.Run();
