"""jishi deliver-webhooks: send due webhook deliveries (once, or every few seconds until stopped)."""

import time

from django.core.management.base import BaseCommand

from jishi.webhooks.delivery import deliver_due


class Command(BaseCommand):
    help = "发送到期的事件推送（webhook）：--once 发送一轮后退出；否则每隔几秒发送一次，直到中断。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="发送一轮后退出")
        parser.add_argument("--interval", type=float, default=5.0, help="两轮之间的秒数（默认 5）")

    def handle(self, *args, once: bool = False, interval: float = 5.0, **options) -> None:
        while True:
            counts = deliver_due()
            self.stdout.write(f"delivered={counts['delivered']} retry={counts['retry']} failed={counts['failed']}")
            if once:
                return
            try:
                time.sleep(max(0.5, interval))
            except KeyboardInterrupt:
                return
