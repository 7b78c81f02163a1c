# Sourced by `make test`: where the tests find the PostgreSQL started by test-services.sh.
export REMON_TEST_POSTGRES_URL="${REMON_TEST_POSTGRES_URL:-postgresql://remon:remon@127.0.0.1:${REMON_TEST_PGPORT:-55432}/postgres}"
export REMON_TEST_CHROMIUM="${REMON_TEST_CHROMIUM:-$(command -v chromium || true)}"
