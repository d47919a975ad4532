<?php

namespace App\Console;

use Illuminate\Console\Scheduling\Schedule;
use Illuminate\Foundation\Console\Kernel as ConsoleKernel;

class Kernel extends ConsoleKernel
{
    /**
     * Define the application's command schedule.
     */
    protected function schedule(Schedule $schedule): void
    {
        // Scheduled tasks of users: every hour.
        $schedule->command('batch:execute-scheduled-tasks')
            ->hourly()
            ->withoutOverlapping();

        // Redis health monitoring: every five minutes.
        $schedule->command('redis:monitor')
            ->everyFiveMinutes();

        // Holiday cache refresh: daily at midnight.
        $schedule->command('holidays:refresh-cache')
            ->dailyAt('00:00');

        // Expired notifications: daily at 03:00.
        $schedule->command('notifications:delete-expired')
            ->dailyAt('03:00');

        // Old cache entries: daily at 03:00.
        $schedule->command('cache:clear-old')
            ->dailyAt('03:00');

        // Old execution history: Sundays at 03:00.
        $schedule->command('batch:prune-history')
            ->weeklyOn(0, '03:00');
    }

    /**
     * Register the commands for the application.
     */
    protected function commands(): void
    {
        $this->load(__DIR__.'/Commands');

        require base_path('routes/console.php');
    }
}
