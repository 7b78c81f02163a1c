"""The review web app: server-rendered pages, the JSON API and the operational endpoints."""
