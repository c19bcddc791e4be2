# The one image for every process of docker-compose.yml: web (uvicorn), celery worker and
# beat, the SMPP gateway. Static files are collected at build time and served by WhiteNoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOTLINE_VAR_DIR=/var/lib/hotline \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/var/lib/hotline/media

WORKDIR /app
COPY requirements.txt requirements-prod.txt ./
RUN pip install -r requirements-prod.txt

COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --no-input -v0 \
    && useradd --system --home /var/lib/hotline --create-home hotline \
    && mkdir -p /var/lib/hotline/media /var/lib/hotline/beat && chown -R hotline /var/lib/hotline
USER hotline

EXPOSE 8000
# 2 cores: 2 workers, each with a bounded database pool (DB_POOL_SIZE). See bench/README.md.
CMD ["uvicorn", "hotline.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", \
     "--loop", "uvloop", "--http", "httptools", "--ws", "websockets", "--proxy-headers", \
     "--forwarded-allow-ips", "*", "--no-access-log"]
