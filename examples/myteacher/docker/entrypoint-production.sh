#!/bin/bash
# Production entrypoint of the app container (task definition revision 9).
set -e

cd /var/www/html

echo "Running migrations..."
php artisan migrate --force

if [ "$RUN_SEEDERS" = "true" ]; then
    echo "Running seeders..."
    php artisan db:seed --class=AdminUserSeeder --force
fi

php artisan config:cache
php artisan route:cache
php artisan view:cache

echo "Starting Apache..."
exec "$@"
