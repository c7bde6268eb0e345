import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { BusMetrics } from './bus-metrics.service.js';

/** GET /metrics in Prometheus' text format; no API key, like /openapi.json (it names queues and counts, never a citizen). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: BusMetrics) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.render();
    res.status(200).type(this.metrics.contentType).send(text);
  }
}
