# The balancer of deploy/compose.yaml: Debian bookworm's HAProxy (2.6 LTS), the very
# build `make run-scaled` and CI use, so deploy/haproxy.cfg is checked (haproxy -c) by
# the same version that runs it. Build context: deploy/.
FROM debian:bookworm-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/*
COPY haproxy.cfg /etc/haproxy/haproxy.cfg
RUN haproxy -c -f /etc/haproxy/haproxy.cfg
USER haproxy
EXPOSE 5005 5055
CMD ["haproxy", "-db", "-f", "/etc/haproxy/haproxy.cfg"]
