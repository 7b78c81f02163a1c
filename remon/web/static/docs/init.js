// Starts Swagger UI on /api/docs. A file of its own (not an inline script) so the page's
// Content-Security-Policy can allow scripts from /api/docs/assets/ only.
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
