import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { BusMetrics } from './bus-metrics.service.js';

/** GET /metrics in Prometheus' text format; no API key, like /openapi.json (it names queues and counts, never a citizen). */
@ApiTags('observability')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: BusMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics in text format (no API key)', security: [] })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' }, example: 'bus_queue_depth{app="adapter",agency="education",queue="inbox.education"} 0\n' } } })
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.render();
    res.status(200).type(this.metrics.contentType).send(text);
  }
}
