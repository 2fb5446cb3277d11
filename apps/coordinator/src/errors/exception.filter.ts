import { Catch } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorAnswer } from './error-body.js';

/** The one place that turns thrown errors into `{"code","message"}` answers. */
@Catch()
export class ProtocolExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const answer = errorAnswer(exception);
    if (answer.unexpected) {
      this.logger.error({ err: exception, method: request.method, url: request.url }, 'request failed');
    }
    void reply.status(answer.status).headers(answer.headers).send(answer.body);
  }
}
