# The one image for every process of docker-compose.yml: web (gunicorn), ws (uvicorn),
# celery worker and beat, the SMPP gateway. Static files are collected at build time and served by WhiteNoise.
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
    && mkdir -p /var/lib/hotline/media /var/lib/hotline/models /var/lib/hotline/beat && chown -R hotline /var/lib/hotline
USER hotline

EXPOSE 8000
# HTTP by default (gunicorn.conf.py); docker-compose.yml runs the websockets with uvicorn.
CMD ["gunicorn", "config.wsgi:application", "-c", "gunicorn.conf.py"]
