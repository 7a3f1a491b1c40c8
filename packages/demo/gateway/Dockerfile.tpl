# Foundation, from a template: the double-brace names come from .env (created from .env.example), like the old build.sh.
ARG ALPINE_VERSION={{ALPINE_VERSION}}
FROM alpine:${ALPINE_VERSION}
COPY index.html /www/index.html
RUN echo "built for $(uname -m)" >> /www/index.html
EXPOSE {{GATEWAY_PORT}}
CMD ["httpd", "-f", "-p", "{{GATEWAY_PORT}}", "-h", "/www"]
