#!/bin/bash
# Production entrypoint of the app container (task definition revision 13).
set -e

cd /var/www/html

echo "Running migrations..."
php artisan migrate --force

if [ "$RUN_SEEDERS" = "true" ]; then
    echo "Running seeders..."
    php artisan db:seed --class=AdminUserSeeder --force
    php artisan db:seed --class=FreeTokenSettingSeeder --force
fi

php artisan config:cache
php artisan route:cache
php artisan view:cache

# Start the queue worker in the background.
echo "Starting queue worker in background..."
su -s /bin/bash www-data -c "php artisan queue:work redis --sleep=3 --tries=3 --timeout=300 --daemon" &
QUEUE_PID=$!
echo "✓ Queue worker started (PID: $QUEUE_PID)"

# Start the Laravel scheduler in the background (every minute).
echo "Starting Laravel Scheduler in background..."
(
    while true; do
        su -s /bin/bash www-data -c "php artisan schedule:run" >> /var/log/scheduler.log 2>&1
        sleep 60
    done
) &
SCHEDULER_PID=$!
echo "✓ Scheduler started (PID: $SCHEDULER_PID)"

echo "Starting Apache..."
exec "$@"
