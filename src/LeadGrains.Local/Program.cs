using LeadGrains.Api.Hosting;
using LeadGrains.Hosting;
using LeadGrains.Silo.Hosting;

// Local mode: the admin API of LeadGrains.Api with a silo of LeadGrains.Silo in this one process,
// so one command runs the whole system. Production runs the API as a client of separate silos.
var builder = WebApplication.CreateBuilder(args);
builder.AddLeadGrainsApi();
builder.AddLeadGrainsSiloHost(LeadGrainsClusterOptions.From(builder.Configuration));

var app = builder.Build();
app.MapLeadGrainsApi();
app.Run();
