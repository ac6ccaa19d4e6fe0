# A Caddy with ai_backends, built the way users build it: with xcaddy on
# Caddy's builder image.
FROM caddy:2.11-builder AS builder
COPY . /src/caddy-ai-backends
RUN xcaddy build v2.11.9 \
	--with github.com/sira-ai/caddy-ai-backends=/src/caddy-ai-backends

FROM caddy:2.11
COPY --from=builder /usr/bin/caddy /usr/bin/caddy
COPY examples/Caddyfile /etc/caddy/Caddyfile
# 8080: the gateway; 2019: the admin endpoint (metrics and status).
EXPOSE 8080 2019
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
